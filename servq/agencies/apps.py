from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "servq.agencies"
    label = "agencies"
    verbose_name = "機關"

    def ready(self) -> None:
        from servq.agencies import demo, permissions  # noqa: F401  (its demo part, its permissions)
