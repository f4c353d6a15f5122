from django.urls import path

from servq.awards import views

app_name = "awards"

urlpatterns = [
    path("", views.index, name="index"),
    path("rulebook/", views.rulebook, name="rulebook"),
    path("<int:pk>/", views.edition, name="edition"),
    path("<int:pk>/set-up/", views.set_up, name="set_up"),
    path("<int:pk>/copy/", views.copy, name="copy"),
    path("<int:pk>/designate/", views.designate, name="designate"),
    path("<int:pk>/reviewers/", views.add_reviewer, name="add_reviewer"),
    path("<int:pk>/assign/", views.assign_evenly, name="assign_evenly"),
    path("<int:pk>/close/", views.close_stage, name="close_stage"),
    path("<int:pk>/national/", views.national, name="national"),
    path("<int:pk>/rewards/propose/", views.propose, name="propose"),
    path("<int:pk>/rewards/choose/", views.choose, name="choose"),
    path("<int:pk>/rewards.<str:fmt>", views.rewards_export, name="rewards_export"),
    path("<int:pk>/nominees.<str:fmt>", views.package, name="package"),
    path("<int:pk>/publish/", views.publish, name="publish"),
    path("<int:pk>/survey/", views.survey, name="survey"),
    path("<int:pk>/enter/", views.enter, name="enter"),
    path("<int:pk>/results/", views.public, name="public"),
    path("entries/<int:pk>/", views.entry, name="entry"),
    path("entries/<int:pk>/evidence/", views.evidence, name="evidence"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path(
        "self-evaluation/<int:plan_pk>/<int:year>/<int:half>/",
        views.self_evaluation,
        name="self_evaluation",
    ),
]
