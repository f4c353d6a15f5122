from django.urls import path

from servq.reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.index, name="index"),
    path("cycles/<int:pk>/", views.cycle_detail, name="cycle"),
    path("cycles/<int:pk>/periods/", views.set_up_periods, name="set_up_periods"),
    path("cycles/<int:pk>/schedule/", views.set_schedule, name="set_schedule"),
    path("cycles/<int:pk>/calendar.ics", views.calendar_feed, name="calendar_feed"),
    path("cycles/<int:pk>/dashboard/", views.dashboard, name="dashboard"),
    path(
        "cycles/<int:pk>/self-evaluations/",
        views.self_evaluation_compliance,
        name="self_evaluation_compliance",
    ),
    path("cycles/<int:pk>/year-end/<int:agency_pk>/", views.year_end, name="year_end"),
    path("cycles/<int:pk>/year-end/<int:agency_pk>/layout/", views.year_end_layout, name="year_end_layout"),
    path("cycles/<int:pk>/year-end/<int:agency_pk>/units.xlsx", views.unit_results, name="unit_results"),
    path(
        "cycles/<int:pk>/year-end/<int:agency_pk>/<slug:fmt>/", views.year_end_export, name="year_end_export"
    ),
    path("periods/<int:pk>/close/", views.close_period, name="close_period"),
    path("periods/<int:pk>/reopen/", views.reopen_period, name="reopen_period"),
    path("periods/<int:pk>/compliance/", views.compliance, name="compliance"),
    path("plans/<int:plan_pk>/periods/<int:period_pk>/", views.progress, name="progress"),
    path("plans/<int:plan_pk>/periods/<int:period_pk>/save/", views.save_report, name="save_report"),
    path("evidence/<int:pk>/", views.download_evidence, name="evidence"),
    path(
        "plans/<int:plan_pk>/self-evaluation/<int:year>/<int:half>/",
        views.self_evaluation,
        name="self_evaluation",
    ),
    path("measures/", views.measure_catalogue, name="measures"),
    path("compare/", views.compare, name="compare"),
    path("measures/<str:key>/", views.measure_records, name="measure"),
    path("indicators/<int:pk>/", views.indicator, name="indicator"),
    path("self-evaluations/", views.public_self_evaluations, name="public_self_evaluations"),
    path("self-evaluations/<int:pk>/", views.public_self_evaluation, name="public_self_evaluation"),
]
