from django.urls import path

from servq.faq import views

app_name = "faq"

urlpatterns = [
    path("", views.public, name="public"),
    path("<int:pk>/vote/", views.vote, name="vote"),
    path("desk/", views.desk, name="desk"),
    path("manage/", views.manage, name="manage"),
    path("manage/<int:pk>/", views.edit, name="edit"),
    path("manage/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("manage/propose/", views.propose, name="propose"),
    path("manage/proposals/<int:pk>/", views.settle, name="settle"),
]
