from django.urls import path

from servq.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/read/", views.notices_read, name="notices_read"),
    path("notices/preferences/", views.notice_preferences, name="notice_preferences"),
    path("audit/", views.audit_log, name="audit"),
    path("audit/<str:object_type>/<str:object_id>/", views.audit_object, name="audit_object"),
]
