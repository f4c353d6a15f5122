from django.urls import path

from servq.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_log, name="audit"),
    path("audit/<str:object_type>/<str:object_id>/", views.audit_object, name="audit_object"),
]
