from django.urls import path

from servq.services import api, views

app_name = "services"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/form.<str:fmt>", views.form_download, name="form"),
    path("<int:pk>/apply/", views.apply, name="apply"),
    path("manage/", views.manage, name="manage"),
    path("manage/import/", views.import_catalogue, name="import"),
    path("manage/records/", views.import_records, name="records"),
    path("manage/<int:pk>/", views.edit, name="edit"),
    path("manage/<int:pk>/simplify/", views.simplify, name="simplify"),
    path("manage/<int:pk>/visit/", views.visit, name="visit"),
    path("manage/<int:pk>/review/", views.review, name="review"),
    path("manage/<int:pk>/bundle/", views.bundle, name="bundle"),
    path("counter/", views.counter, name="counter"),
    path("board/", views.board, name="board"),
    path("api/v1/counts", api.push_counts, name="push_counts"),
]
