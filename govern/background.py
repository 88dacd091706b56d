"""Long jobs started by a request (rendering a batch of notices) leave the request at once.

With a broker the task is queued for the workers. In the embedded demo (eager Celery, no broker,
no worker) an eager call would run inside the request and block it for as long as the job takes,
so the task runs on a thread instead and the page shows its progress like it does with workers.
Tests keep it inline (``GOVERN_BACKGROUND_THREADS = False``) so they can read the result at once.
"""

import logging
import threading

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)


def _run(task, args: tuple) -> None:
    try:
        task.apply(args=args, throw=True)
    except Exception:  # noqa: BLE001 - nothing to report to: the sweep renders what is left pending
        logger.exception("Background task %s failed", task.name)
    finally:
        connections.close_all()  # the thread's own connections


def in_background(task, *args) -> None:
    """Queue ``task(*args)`` for a worker, or run it on a thread when Celery runs eagerly."""
    if settings.CELERY_TASK_ALWAYS_EAGER and settings.GOVERN_BACKGROUND_THREADS:
        threading.Thread(target=_run, args=(task, args), daemon=True, name=task.name).start()
    else:
        task.delay(*args)
