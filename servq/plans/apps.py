from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "servq.plans"
    label = "plans"
    verbose_name = "計畫"

    def ready(self) -> None:
        from servq.plans import demo, permissions, search, tasks, todos  # noqa: F401  (demo part, permissions, periodic jobs, 待辦)
