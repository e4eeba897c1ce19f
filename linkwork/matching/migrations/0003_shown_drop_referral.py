# Contract: the shown-log keeps only its opaque case reference; the foreign key to referrals
# goes. Reversible: going back restores the key and fills it from the case reference.

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F


def copy_case_refs_back(apps, schema_editor):
    Shown = apps.get_model("matching", "Shown")
    Referral = apps.get_model("referrals", "Referral")
    # Rows of a referral deleted since would have gone with it under the foreign key.
    Shown.objects.exclude(case_ref__in=Referral.objects.values("pk")).delete()
    Shown.objects.update(referral_id=F("case_ref"))


class Migration(migrations.Migration):

    dependencies = [
        ("matching", "0002_shown_case_ref"),
        ("referrals", "0004_complexity_waiting_list"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="shown",
            name="shown_referral_service_idx",
        ),
        # Nullable first, so that going back can add the key before filling it.
        migrations.AlterField(
            model_name="shown",
            name="referral",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="referrals.referral",
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, copy_case_refs_back),
        migrations.RemoveField(
            model_name="shown",
            name="referral",
        ),
        migrations.AlterField(
            model_name="shown",
            name="case_ref",
            field=models.UUIDField(),
        ),
        migrations.AddIndex(
            model_name="shown",
            index=models.Index(fields=["case_ref", "service"], name="shown_case_service_idx"),
        ),
    ]
