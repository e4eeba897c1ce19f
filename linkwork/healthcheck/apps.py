"""The scheme health check: what the evidence says makes social prescribing schemes work,
measured from live data and a scheme lead's self-assessment, with an action plan."""

from django.apps import AppConfig


class HealthCheckConfig(AppConfig):
    name = "linkwork.healthcheck"
    label = "healthcheck"
    verbose_name = "Scheme health check"

    def ready(self) -> None:
        from linkwork.accounts.permissions import Ability
        from linkwork.healthcheck import contributions, report
        from linkwork.web import navigation

        navigation.register(
            navigation.NavItem("Health check", "healthcheck:index", Ability.VIEW_HEALTH_CHECK)
        )
        # The self-assessment's ratings and the open actions, in each cell of the grid.
        report.contribute(contributions.self_assessment)
        report.contribute(contributions.open_actions)
