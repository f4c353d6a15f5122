from django.urls import path

from servq.agencies import views

app_name = "agencies"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("<slug:code>/", views.detail, name="detail"),
]
