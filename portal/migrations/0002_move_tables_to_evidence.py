# The evidence models move to the evidence app: rename their tables, keeping every row.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable('evidencesubmission', 'evidence_evidencesubmission'),
                migrations.AlterModelTable('evidencefile', 'evidence_evidencefile'),
                migrations.AlterModelTable('deadlineextension', 'evidence_deadlineextension'),
            ],
            state_operations=[],
        ),
    ]
