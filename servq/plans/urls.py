from django.urls import path

from servq.plans.views import editing, public, review

app_name = "plans"
urlpatterns = [
    path("", public.plan_list, name="list"),
    path("<int:pk>/", public.plan_detail, name="detail"),
    path("agency/<slug:code>/<int:year>/", public.agency_plan, name="agency_plan"),
    path("agency/<slug:code>/<int:year>/embed/", public.agency_plan_embed, name="agency_plan_embed"),
    path("<int:pk>/export/<slug:fmt>/", public.plan_export, name="export"),
    path("<int:pk>/edit/", editing.edit_plan, name="edit"),
    path("<int:pk>/gaps/", editing.fill_gaps, name="fill_gaps"),
    path("<int:pk>/edit/header/", editing.edit_header, name="edit_header"),
    path("<int:pk>/edit/program/", editing.refile_plan, name="refile"),
    path("<int:pk>/items/new/", editing.add_item, name="add_item"),
    path("<int:pk>/items/<int:item_pk>/edit/", editing.edit_item, name="edit_item"),
    path("<int:pk>/items/<int:item_pk>/move/", editing.move_item, name="move_item"),
    path("<int:pk>/items/<int:item_pk>/delete/", editing.delete_item, name="delete_item"),
    path("<int:pk>/deadline-preview/", editing.deadline_preview, name="deadline_preview"),
    path("<int:pk>/indicators/new/", editing.save_indicator, name="add_indicator"),
    path("<int:pk>/indicators/<int:indicator_pk>/", editing.save_indicator, name="edit_indicator"),
    path("<int:pk>/indicators/<int:indicator_pk>/delete/", editing.delete_indicator, name="delete_indicator"),
    path("<int:pk>/review/", review.review_plan, name="review"),
    path("<int:pk>/do/<slug:action>/", review.plan_transition, name="transition"),
    path("<int:pk>/versions/", review.plan_versions, name="versions"),
    path("<int:pk>/diff/", review.plan_diff, name="diff"),
    path("cycles/", review.cycle_list, name="cycles"),
    path("cycles/new/", review.cycle_new, name="cycle_new"),
    path("cycles/<int:pk>/", review.cycle_board, name="cycle"),
    path("cycles/<int:pk>/remind/", review.cycle_remind, name="cycle_remind"),
    path("cycles/<int:pk>/start/", review.cycle_start_plan, name="cycle_start"),
    path("cycles/<int:pk>/import/", review.cycle_import_plan, name="cycle_import"),
    path("<int:pk>/import-version/", review.plan_import_version, name="import_version"),
    path("<int:pk>/posting/", review.record_posting, name="record_posting"),
    path("<int:pk>/requirements/", review.plan_requirements, name="requirements"),
    path("<int:pk>/consultations/", review.record_consultation, name="record_consultation"),
    path("cycles/<int:pk>/category/", review.cycle_category, name="cycle_category"),
]
