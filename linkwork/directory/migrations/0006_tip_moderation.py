"""Tips are moderated: a new tip waits for a curator. Tips written before moderation were
already shown to link workers, so they are kept as approved; only the default for new tips
is pending."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0005_service_description_text'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='servicetip',
            name='moderated_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='servicetip',
            name='moderated_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='servicetip',
            name='status',
            field=models.CharField(choices=[('pending', 'Waiting to be checked'), ('approved', 'Approved'), ('rejected', 'Rejected')], default='approved', max_length=10),
        ),
        migrations.AlterField(
            model_name='servicetip',
            name='status',
            field=models.CharField(choices=[('pending', 'Waiting to be checked'), ('approved', 'Approved'), ('rejected', 'Rejected')], default='pending', max_length=10),
        ),
        migrations.AddIndex(
            model_name='servicetip',
            index=models.Index(fields=['status', 'created_at'], name='dir_tip_status_idx'),
        ),
        migrations.AddConstraint(
            model_name='servicetip',
            constraint=models.CheckConstraint(condition=models.Q(('status__in', ['pending', 'approved', 'rejected'])), name='dir_tip_status_valid'),
        ),
    ]
