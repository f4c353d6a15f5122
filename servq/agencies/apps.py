from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    name = "servq.agencies"
    label = "agencies"
    verbose_name = "機關"
