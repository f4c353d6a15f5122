from django.urls import path

from servq.plans import views, views_edit, views_review

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/export/<slug:fmt>/", views.plan_export, name="export"),
    path("<int:pk>/edit/", views_edit.edit_plan, name="edit"),
    path("<int:pk>/edit/header/", views_edit.edit_header, name="edit_header"),
    path("<int:pk>/items/new/", views_edit.add_item, name="add_item"),
    path("<int:pk>/items/<int:item_pk>/edit/", views_edit.edit_item, name="edit_item"),
    path("<int:pk>/items/<int:item_pk>/move/", views_edit.move_item, name="move_item"),
    path("<int:pk>/items/<int:item_pk>/delete/", views_edit.delete_item, name="delete_item"),
    path("<int:pk>/deadline-preview/", views_edit.deadline_preview, name="deadline_preview"),
    path("<int:pk>/indicators/new/", views_edit.save_indicator, name="add_indicator"),
    path("<int:pk>/indicators/<int:indicator_pk>/", views_edit.save_indicator, name="edit_indicator"),
    path(
        "<int:pk>/indicators/<int:indicator_pk>/delete/", views_edit.delete_indicator, name="delete_indicator"
    ),
    path("<int:pk>/review/", views_review.review_plan, name="review"),
    path("<int:pk>/do/<slug:action>/", views_review.plan_transition, name="transition"),
    path("<int:pk>/versions/", views_review.plan_versions, name="versions"),
    path("<int:pk>/diff/", views_review.plan_diff, name="diff"),
    path("cycles/", views_review.cycle_list, name="cycles"),
    path("cycles/new/", views_review.cycle_new, name="cycle_new"),
    path("cycles/<int:pk>/", views_review.cycle_board, name="cycle"),
    path("cycles/<int:pk>/remind/", views_review.cycle_remind, name="cycle_remind"),
    path("cycles/<int:pk>/start/", views_review.cycle_start_plan, name="cycle_start"),
    path("cycles/<int:pk>/import/", views_review.cycle_import_plan, name="cycle_import"),
]
