from django.urls import path

from servq.activities import views

app_name = "points"
urlpatterns = [path("", views.service_points, name="index")]
