"""Running the service without the Django admin site (issue 19, item 6): pages for system
admins to manage organisations and GP practices' secure mailboxes, schemes, users and their
roles, API tokens and licensed instruments. On the top floor: it writes through the apps below
it (accounts, notifications, api, outcomes) and adds its entry to the header's navigation."""

from django.apps import AppConfig


class AdministrationConfig(AppConfig):
    name = "linkwork.administration"
    label = "administration"
    verbose_name = "Running the service"

    def ready(self) -> None:
        from linkwork.accounts.permissions import Ability
        from linkwork.web import navigation

        navigation.register(
            navigation.NavItem("Manage the service", "administration:index", Ability.RUN_SERVICE)
        )
