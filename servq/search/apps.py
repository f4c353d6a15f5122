from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "servq.search"
    label = "search"
    verbose_name = "搜尋"
