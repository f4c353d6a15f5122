from django.apps import AppConfig


class AwardsConfig(AppConfig):
    name = "servq.awards"
    label = "awards"
    verbose_name = "政府服務獎"

    def ready(self) -> None:
        # Registering the permissions and demo data this app provides.
        from servq.awards import demo, listeners, permissions, stand_ins, todos  # noqa: F401
