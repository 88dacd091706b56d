"""Celery tasks of the registry: take primary keys, call the service, safe to run twice."""

from celery import shared_task

from . import importing


@shared_task
def run_import(job_id: int) -> str:
    return importing.import_job_run(job_id=job_id).status
