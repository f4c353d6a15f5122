from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "servq.agencies"
    label = "agencies"
    verbose_name = "機關"

    def ready(self) -> None:
        from servq.agencies import demo, permissions, tasks  # noqa: F401  (demo part, permissions, jobs)
