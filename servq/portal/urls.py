from django.urls import path

from servq.portal import people, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("notices/", views.notice_list, name="notices"),
    path("notices/read/", views.notices_read, name="notices_read"),
    path("notices/preferences/", views.notice_preferences, name="notice_preferences"),
    path("people/", people.people, name="people"),
    path("people/import/", people.import_people, name="import_people"),
    path("people/me/", people.my_ties, name="my_ties"),
    path("people/places/", people.grantable_places, name="grantable_places"),
    path("people/<int:pk>/", people.person, name="person"),
    path("people/<int:pk>/deactivate/", people.deactivate, name="deactivate"),
    path("people/roles/<int:pk>/end/", people.end_role, name="end_role"),
    path("people/invitations/<int:pk>/<str:action>/", people.invitation_action, name="invitation_action"),
    path("audit/", views.audit_log, name="audit"),
    path("audit/<str:object_type>/<str:object_id>/", views.audit_object, name="audit_object"),
]
