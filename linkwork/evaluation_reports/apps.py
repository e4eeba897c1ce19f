from django.apps import AppConfig


class EvaluationReportsConfig(AppConfig):
    name = "linkwork.evaluation_reports"
    label = "evaluation_reports"
    verbose_name = "Evaluation reports"
