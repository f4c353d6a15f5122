from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "servq.opendata"
    label = "opendata"
    verbose_name = "開放資料"

    def ready(self) -> None:
        # Registering the measures, permissions, reminders, periodic jobs and demo data this app provides.
        from servq.opendata import demo, measures, permissions, search, tasks, todos  # noqa: F401
