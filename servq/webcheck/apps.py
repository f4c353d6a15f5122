from django.apps import AppConfig


class WebcheckConfig(AppConfig):
    name = "servq.webcheck"
    label = "webcheck"
    verbose_name = "網站健檢"

    def ready(self) -> None:
        # Registering the measures and periodic jobs this app provides.
        from servq.webcheck import demo, fetching, measures, permissions, tasks, todos  # noqa: F401
