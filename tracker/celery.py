"""The Celery app: configured from Django settings (CELERY_*), tasks found in installed apps."""

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def poll_the_sql_broker_often(**kwargs) -> None:
    # kombu's SQL transport waits `polling_interval` (1 s) between reads whenever a worker's
    # prefetch slots are full, so a worker takes about one task a second per process. The
    # class attribute is the way to change it (passing it in broker_transport_options crashes).
    if app.conf.broker_url.startswith("sqla+"):
        from kombu.transport.sqlalchemy import Transport

        Transport.polling_interval = 0.1


@worker_init.connect
def load_the_extraction_models(**kwargs) -> None:
    """spaCy's pipeline and the extractor's models, loaded in the worker's main process before its pool forks:
    every pool process starts with them (pages shared, copy on write), and no document's time budget
    (INGEST_DOCUMENT_SECONDS) pays for loading them, 2.4 s on a quiet development machine and several times that
    on a busy one, where the first document of each pool process ran past a short budget and failed."""
    from positions.statements import models, nlp

    nlp.pipeline()
    models.shipped()
