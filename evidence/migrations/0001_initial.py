# The evidence models move here from the portal app; their tables were renamed by
# portal.0002, so this migration only tells Django's state where they now live.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_types(apps, schema_editor):
    """Keep permissions and admin history: the content types follow the models."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("evidencesubmission", "evidencefile", "deadlineextension"):
        if ContentType.objects.filter(app_label="evidence", model=model).exists():
            continue
        ContentType.objects.filter(app_label="portal", model=model).update(app_label="evidence")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('enterprises', '0007_enterprise_achieved_voc_reduction_tpa_and_more'),
        ('inspections', '0002_checklists'),
        ('portal', '0002_move_tables_to_evidence'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='EvidenceSubmission',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('version', models.PositiveIntegerField(verbose_name='version')),
                        ('note', models.TextField(blank=True, verbose_name='note')),
                        ('status', models.CharField(choices=[('pending', 'awaiting review'), ('accepted', 'accepted'), ('rejected', 'rejected'), ('superseded', 'superseded by a newer version')], db_index=True, default='pending', max_length=10, verbose_name='status')),
                        ('submitted_at', models.DateTimeField(auto_now_add=True, verbose_name='submitted at')),
                        ('review_comment', models.TextField(blank=True, verbose_name='review comment')),
                        ('reviewed_at', models.DateTimeField(blank=True, null=True, verbose_name='reviewed at')),
                        ('enterprise', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='enterprises.enterprise', verbose_name='enterprise')),
                        ('order', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='inspections.rectificationorder', verbose_name='rectification order')),
                        ('reviewed_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewed by')),
                        ('submitted_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='submitted by')),
                        ('task', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='enterprises.remediationtask', verbose_name='remediation task')),
                    ],
                    options={
                        'verbose_name': 'evidence submission',
                        'verbose_name_plural': 'evidence submissions',
                        'ordering': ['-submitted_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='EvidenceFile',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('file', models.FileField(max_length=200, upload_to='', verbose_name='file')),
                        ('sha256', models.CharField(db_index=True, max_length=64, verbose_name='SHA-256')),
                        ('size', models.PositiveIntegerField(verbose_name='size (bytes)')),
                        ('content_type', models.CharField(max_length=100, verbose_name='content type')),
                        ('original_name', models.CharField(blank=True, max_length=200, verbose_name='original name')),
                        ('submission', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='files', to='evidence.evidencesubmission', verbose_name='submission')),
                    ],
                    options={
                        'verbose_name': 'evidence file',
                        'verbose_name_plural': 'evidence files',
                        'ordering': ['id'],
                    },
                ),
                migrations.CreateModel(
                    name='DeadlineExtension',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('current_deadline', models.DateField(verbose_name='deadline when requested')),
                        ('requested_deadline', models.DateField(verbose_name='requested deadline')),
                        ('reason', models.TextField(verbose_name='reason')),
                        ('status', models.CharField(choices=[('pending', 'awaiting decision'), ('approved', 'approved'), ('refused', 'refused')], db_index=True, default='pending', max_length=10, verbose_name='status')),
                        ('requested_at', models.DateTimeField(auto_now_add=True, verbose_name='requested at')),
                        ('decision_comment', models.TextField(blank=True, verbose_name='decision comment')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='decided by')),
                        ('enterprise', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='enterprises.enterprise', verbose_name='enterprise')),
                        ('order', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='inspections.rectificationorder', verbose_name='rectification order')),
                        ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='requested by')),
                        ('task', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='enterprises.remediationtask', verbose_name='remediation task')),
                    ],
                    options={
                        'verbose_name': 'deadline extension request',
                        'verbose_name_plural': 'deadline extension requests',
                        'ordering': ['-requested_at', '-id'],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('task__isnull', False), ('order__isnull', True)), models.Q(('task__isnull', True), ('order__isnull', False)), _connector='OR'), name='extension_exactly_one_target'), models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('task',), name='one_pending_extension_per_task'), models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('order',), name='one_pending_extension_per_order')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='evidencesubmission',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('task__isnull', False), ('order__isnull', True)), models.Q(('task__isnull', True), ('order__isnull', False)), _connector='OR'), name='evidence_exactly_one_target'),
                ),
                migrations.AddConstraint(
                    model_name='evidencesubmission',
                    constraint=models.UniqueConstraint(fields=('task', 'version'), name='evidence_task_version_unique'),
                ),
                migrations.AddConstraint(
                    model_name='evidencesubmission',
                    constraint=models.UniqueConstraint(fields=('order', 'version'), name='evidence_order_version_unique'),
                ),
    
            ],
        ),
        migrations.RunPython(move_content_types, migrations.RunPython.noop),
    ]
