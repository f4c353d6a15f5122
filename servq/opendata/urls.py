from django.urls import path

from servq.opendata import views

app_name = "opendata"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("catalog.jsonld", views.catalog_jsonld, name="catalog_jsonld"),
    path("agencies/<slug:code>", views.agency, name="agency"),
    path("datasets/<uuid:identifier>/", views.dataset, name="dataset"),
    path("datasets/<uuid:identifier>.jsonld", views.dataset_jsonld, name="dataset_jsonld"),
    path("resources/<int:pk>/download/", views.download, name="download"),
    # CKAN serves its action API under both paths; harvesters use either.
    path("api/3/action/<slug:action>", views.api, name="api"),
    path("api/action/<slug:action>", views.api, name="api_unversioned"),
    path("manage/", views.manage, name="manage"),
    path("manage/export/national.csv", views.export_national, name="export_national"),
    path("manage/export/city.json", views.export_city, name="export_city"),
    path("manage/<int:pk>/", views.edit, name="edit"),
    path("manage/<int:pk>/move/<slug:to>/", views.move, name="move"),
    path("manage/<int:pk>/resources/", views.add_resource, name="add_resource"),
    path("manage/<int:pk>/resources/<int:resource>/personal/", views.clear_personal, name="clear_personal"),
    path("manage/<int:pk>/updated/", views.record_update, name="record_update"),
]
