from django.urls import path

from servq.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_queue, name="queue"),
    path("new/", views.new_case, name="new"),
    path("track/", views.track, name="track"),
    path("track/<str:number>/supplement/", views.supplement, name="supplement"),
    path("received/copy/", views.mail_copy, name="mail_copy"),
    path("intake/", views.intake, name="intake"),
    path("analytics/", views.analytics, name="analytics"),
    path("open-data.<slug:fmt>", views.open_data, name="open_data"),
    path("configuration/", views.configuration, name="configuration"),
    path("configuration/categories/adopt/", views.adopt_categories, name="adopt_categories"),
    path("configuration/categories/<int:pk>/", views.configure_category, name="configure_category"),
    path("configuration/rules/", views.add_rule, name="add_rule"),
    path("configuration/rules/<int:pk>/delete/", views.delete_rule, name="delete_rule"),
    path("<str:number>/", views.case_detail, name="detail"),
    path("<str:number>/do/<slug:action>/", views.case_action, name="action"),
    path("<str:number>/attachments/<int:pk>/", views.attachment, name="attachment"),
]
