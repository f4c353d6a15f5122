from django.urls import path

from servq.surveys import views

app_name = "surveys"

urlpatterns = [
    path("", views.index, name="index"),
    path("questionnaires/new/", views.questionnaire_new, name="questionnaire_new"),
    path("new/", views.survey_new, name="survey_new"),
    path("<int:pk>/", views.survey, name="survey"),
    path("<int:pk>/sample/", views.sample, name="sample"),
    path("<int:pk>/call-list.csv", views.call_list, name="call_list"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/to-units/", views.to_units, name="to_units"),
    path("<int:pk>/report.<str:fmt>", views.report, name="report"),
    path("<int:pk>/open-data.<str:fmt>", views.open_data, name="open_data"),
    path("<int:pk>/answer/", views.answer_open, name="answer_open"),
    path("<int:pk>/enter/", views.enter, name="enter"),
    path("r/<str:token>/", views.answer, name="answer"),
    path("sheets/new/", views.sheet_new, name="sheet_new"),
    path("tests/<int:pk>/", views.test, name="test"),
    path("premises/new/", views.premises_new, name="premises_new"),
]
