# The evidence models now live in the evidence app (its 0001): drop them from the portal's state.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('portal', '0002_move_tables_to_evidence'),
        ('evidence', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel('EvidenceFile'),
                migrations.DeleteModel('DeadlineExtension'),
                migrations.DeleteModel('EvidenceSubmission'),
            ],
        ),
    ]
