from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "servq.surveys"
    label = "surveys"
    verbose_name = "滿意度調查與禮貌測試"

    def ready(self) -> None:
        # Registering the measures, permissions and demo data this app provides.
        from servq.surveys import demo, listeners, measures, permissions, todos  # noqa: F401
