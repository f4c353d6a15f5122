from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "servq.core"
    label = "core"
    verbose_name = "核心"

    def ready(self) -> None:
        from servq.core import checks, tasks  # noqa: F401  (system checks; the lease reaper's job)
