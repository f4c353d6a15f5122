from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "servq.inspections"
    label = "inspections"
    verbose_name = "考核與輔導"

    def ready(self) -> None:
        # Registering the measures, permissions, periodic jobs and demo data this app provides.
        from servq.inspections import demo, measures, permissions, search, tasks, todos  # noqa: F401
