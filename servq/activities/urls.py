from django.urls import path

from servq.activities import views

app_name = "activities"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:key>/", views.kind, name="kind"),
    path("<slug:key>/<int:pk>/remove/", views.remove, name="remove"),
]
