from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "servq.search"
    label = "search"
    verbose_name = "搜尋"

    def ready(self) -> None:
        from servq.search import demo, services  # noqa: F401  (services listen for plan changes to index them)
