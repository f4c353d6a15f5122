"""The agency directory keeps its own namespace (``agencies:``), served by the portal."""

from django.urls import path

from servq.portal import setup, views

app_name = "agencies"
urlpatterns = [
    path("", views.agency_tree, name="tree"),
    # Before <code>/: these words are not agency codes.
    path("import/", setup.import_list, name="import"),
    path("levels/", setup.levels, name="levels"),
    path("second-factor/", setup.second_factor_rule, name="second_factor_rule"),
    path("<slug:code>/", views.agency_detail, name="detail"),
    path("<slug:code>/units/", setup.units, name="units"),
    path("<slug:code>/units/<int:pk>/rename/", setup.rename_unit, name="rename_unit"),
]
