from django.urls import path

from servq.inspections import views

app_name = "inspections"

urlpatterns = [
    path("", views.index, name="index"),
    path("criteria/", views.criteria, name="criteria"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("plans/<int:pk>/", views.plan, name="plan"),
    path("visits/new/", views.visit_new, name="visit_new"),
    path("visits/<int:pk>/", views.visit, name="visit"),
    path("visits/<int:pk>/panel/", views.add_panelist, name="add_panelist"),
    path("visits/<int:pk>/findings/", views.add_finding, name="add_finding"),
    path("visits/<int:pk>/records/", views.add_record, name="add_record"),
    path("visits/<int:pk>/score/<int:agency_pk>/", views.score, name="score"),
    path("visits/<int:pk>/report/<int:agency_pk>.<str:fmt>", views.report, name="report"),
    path("visits/<int:pk>/<str:action>/", views.advance, name="advance"),
    path("files/<int:pk>/", views.record_file, name="file"),
    path("findings/<int:pk>/", views.finding, name="finding"),
    path("findings/<int:pk>/answer/", views.answer, name="answer"),
    path("findings/<int:pk>/assign/", views.assign, name="assign"),
    path("findings/<int:pk>/decide/", views.decide, name="decide"),
    path("board/", views.board, name="board"),
    path("ranking-records/", views.ranking_records, name="ranking_records"),
    path("year-end/<int:cycle_pk>/<int:agency_pk>/", views.year_end_findings, name="year_end_findings"),
    path("public/", views.public, name="public"),
    path("public/<int:pk>/", views.public_visit, name="public_visit"),
    path("public/<int:pk>/report/<int:agency_pk>.<str:fmt>", views.public_report, name="public_report"),
]
