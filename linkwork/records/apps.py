from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "linkwork.records"
    label = "records"
    verbose_name = "Records and rights"

    def ready(self) -> None:
        from linkwork.core import daily, privacy
        from linkwork.records.retention import privacy_periods
        from linkwork.records.tasks import review_retention

        daily.register(review_retention)
        privacy.register(privacy_periods)
