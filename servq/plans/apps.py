from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "servq.plans"
    label = "plans"
    verbose_name = "計畫"

    def ready(self) -> None:
        from servq.plans import demo, permissions, search, todos  # noqa: F401  (its demo part, permissions, 待辦)
