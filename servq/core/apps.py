from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "servq.core"
    label = "core"
    verbose_name = "核心"
