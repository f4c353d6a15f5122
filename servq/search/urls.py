from django.urls import path

from servq.search import views

app_name = "search"
urlpatterns = [
    path("", views.search, name="search"),
    path("all/", views.everything, name="everything"),
    path("synonyms/", views.synonyms, name="synonyms"),
]
