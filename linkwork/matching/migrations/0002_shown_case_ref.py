# Expand and copy: the shown-log gains an opaque case reference, filled from the referral it
# points at, so matching can stop depending on referrals (0003 drops the foreign key).

from django.db import migrations, models
from django.db.models import F


def copy_referral_ids(apps, schema_editor):
    Shown = apps.get_model("matching", "Shown")
    Shown.objects.filter(case_ref__isnull=True).update(case_ref=F("referral_id"))


class Migration(migrations.Migration):

    dependencies = [
        ("matching", "0001_shown_and_weight_sets"),
    ]

    operations = [
        migrations.AddField(
            model_name="shown",
            name="case_ref",
            field=models.UUIDField(null=True),
        ),
        # Going back, 0003 copies the references into the restored foreign key itself.
        migrations.RunPython(copy_referral_ids, migrations.RunPython.noop),
    ]
