from django.urls import path

from servq.webcheck import views

app_name = "webcheck"
urlpatterns = [
    path("", views.site_list, name="sites"),
    path("report/", views.combined_report, name="report"),
    path("<int:pk>/", views.site_detail, name="site"),
    path("<int:pk>/check/", views.check_now, name="check_now"),
    path("<int:pk>/owners/", views.set_owner, name="set_owner"),
]
