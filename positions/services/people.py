"""Speakers nobody entered: a curator's approval makes an extracted actor and its suggested roles real, and
extracts its documents again so that its statements count as a known actor's."""

from dataclasses import dataclass

from django.db import transaction

from positions.models import Actor, Document
from positions.services import curation
from positions.services.statements import documents_extract
from positions.vocabularies import ReviewState

# Documents extracted again within the approval itself; past this many they go to the workers' queue.
EXTRACT_AT_ONCE = 10


@dataclass
class ActorsReview:
    changed: int = 0  # actors whose state changed
    extracted: int = 0  # documents extracted again in the same transaction
    queued: int = 0  # documents queued for the workers

    def line(self) -> str:
        done = f"{self.changed} actors changed"
        if self.extracted:
            done += f", {self.extracted} documents extracted again"
        if self.queued:
            done += f", {self.queued} documents queued for extraction"
        return done


@transaction.atomic
def actors_review(*, actors, state: str, user) -> ActorsReview:
    """Approve or reject actors (a queryset). Approved ones enter the lexicon with their roles, and the
    documents they speak in are extracted again: in this transaction when they are few, else after it by
    the workers (`positions.extract_document`), each document in its own."""
    ids = list(actors.values_list("pk", flat=True))
    becoming = list(Actor.objects.filter(pk__in=ids).exclude(review_state=state).values_list("pk", flat=True))
    report = ActorsReview(changed=curation.rows_review(rows=Actor.objects.filter(pk__in=ids), state=state, user=user))
    if state != ReviewState.APPROVED or not becoming:
        return report
    documents = list(
        Document.objects.filter(statements__speaker_id__in=becoming)
        .distinct()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if len(documents) <= EXTRACT_AT_ONCE:
        documents_extract(documents=Document.objects.filter(pk__in=documents).select_related("source").order_by("pk"))
        report.extracted = len(documents)
    else:
        from positions.tasks import extract_document  # the tasks call services: import here, not at the top

        transaction.on_commit(lambda: [extract_document.delay(pk) for pk in documents])
        report.queued = len(documents)
    return report
