"""The emergency jobs in django-celery-beat's tables: chasing unconfirmed instructions every 30 minutes,
comparing monitoring readings during warnings every hour."""

from django.db import migrations

TASKS = {
    "Chase unconfirmed warning instructions": ("emergency.tasks.chase_instructions", 30),
    "Compare readings during warnings": ("emergency.tasks.check_warning_readings", 60),
}


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, (task, minutes) in TASKS.items():
        every, _ = IntervalSchedule.objects.get_or_create(every=minutes, period="minutes")
        PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": task, "interval": every, "enabled": True}
        )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=TASKS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("emergency", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
