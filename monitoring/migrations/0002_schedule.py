"""Monitoring's periodic jobs in django-celery-beat's tables: the silence check every hour, the
partitions two months ahead every day."""

from django.db import migrations

JOBS = {
    "Monitoring: points silent too long": ("monitoring.tasks.check_silent_points", 1, "hours"),
    "Monitoring: reading partitions ahead": ("monitoring.tasks.create_partitions_ahead", 1, "days"),
}


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, (task, every, period) in JOBS.items():
        interval, _ = IntervalSchedule.objects.get_or_create(every=every, period=period)
        PeriodicTask.objects.update_or_create(
            name=name, defaults={"task": task, "interval": interval, "enabled": True}
        )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=JOBS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
