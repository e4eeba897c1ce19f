from django.db import migrations, models


class Migration(migrations.Migration):
    """A referral that joined a record already on file by a confirmed match says so, so its
    referrer is never shown that record (issue 16, item 2)."""

    dependencies = [("referrals", "0009_referral_version")]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="joined_by_match",
            field=models.BooleanField(default=False),
        ),
    ]
