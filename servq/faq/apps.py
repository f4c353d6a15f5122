from django.apps import AppConfig


class FaqConfig(AppConfig):
    name = "servq.faq"
    label = "faq"
    verbose_name = "常見問題集"

    def ready(self) -> None:
        # Registering the measures, permissions and demo data this app provides.
        from servq.faq import citations, demo, measures, permissions, search, todos  # noqa: F401
