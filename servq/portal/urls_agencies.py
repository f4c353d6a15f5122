"""The agency directory keeps its own namespace (``agencies:``), served by the portal."""

from django.urls import path

from servq.portal import views

app_name = "agencies"
urlpatterns = [
    path("", views.agency_tree, name="tree"),
    path("<slug:code>/", views.agency_detail, name="detail"),
]
