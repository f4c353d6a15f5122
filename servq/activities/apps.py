from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "servq.activities"
    label = "activities"
    verbose_name = "辦理紀錄"

    def ready(self) -> None:
        # Registering the measures and permissions this app provides.
        from servq.activities import demo, measures, permissions  # noqa: F401
