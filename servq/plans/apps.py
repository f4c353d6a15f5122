from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "servq.plans"
    label = "plans"
    verbose_name = "計畫"
