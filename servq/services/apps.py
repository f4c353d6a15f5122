from django.apps import AppConfig


class ServicesConfig(AppConfig):
    name = "servq.services"
    label = "services"
    verbose_name = "服務項目"

    def ready(self) -> None:
        # Registering the measures, permissions and demo data this app provides.
        from servq.services import demo, measures, permissions, search, todos  # noqa: F401
