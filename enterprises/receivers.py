"""What the registry does when things happen.

| event                      | reaction                                             | when         |
| -------------------------- | ---------------------------------------------------- | ------------ |
| enterprises.ImportQueued   | ``run_import_job``: a worker checks and imports it    | after commit |
"""

from govern.events import subscribe

from . import tasks
from .events import ImportQueued


@subscribe(ImportQueued)
def run_import_job(event: ImportQueued) -> None:
    tasks.run_import.delay(event.job_id)
