from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "linkwork.directory"
    label = "directory"
    verbose_name = "Directory"

    def ready(self) -> None:
        from linkwork.core import daily
        from linkwork.directory.tasks import ask_providers_to_confirm_listings

        daily.register(ask_providers_to_confirm_listings)
