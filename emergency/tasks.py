"""Celery tasks of the emergency app: safe to run twice (each step checks what is already done)."""

from celery import shared_task

from . import services


@shared_task
def chase_instructions() -> int:
    """Remind enterprises that have not confirmed their instruction (every 30 minutes; each
    instruction at most once per ``GOVERN_INSTRUCTION_CHASE_HOURS``)."""
    return services.instructions_chase()


@shared_task
def check_warning_readings() -> int:
    """Compare monitoring readings during warnings with the normal level (hourly)."""
    return len(services.warnings_check_readings())
