"""The audit trail's bulk writer: history records of rows written in bulk, as complete as a save's.

simple-history's bulk writers (`bulk_create_with_history`, `bulk_update_with_history`) leave a record's
many-to-many values out, so the next record of the row showed them as a change: a curator who changed a
statement's kind and date was recorded as having set its topics ("Topics: [] → […]").
"""

from django.utils.text import Truncator
from simple_history.utils import get_m2m_field_name

REASON_LENGTH = 100  # a history record's change reason (simple-history's column)


def change_reason(text: str) -> str:
    """A change reason that fits the history's column: cut with an ellipsis when longer."""
    return Truncator(text).chars(REASON_LENGTH)


def audited(row, *, user, reason: str):
    """The row, its next history record naming the user and the reason (cut to fit: a merge's names
    proposals whose titles run to 300 characters)."""
    row._history_user = user
    row._change_reason = change_reason(reason)
    return row


def history_bulk_record(*, rows: list, model, reason: str, user=None, update: bool) -> None:
    """One history record per row (saved already), with its many-to-many values as they are now."""
    records = model.history.bulk_history_create(rows, update=update, default_user=user, default_change_reason=reason)
    if not records:
        return  # history switched off (SIMPLE_HISTORY_ENABLED)
    historical = model.history.model
    pk_name = model._meta.pk.attname
    by_pk = {getattr(record, pk_name): record for record in records}
    for field in historical._history_m2m_fields:
        through = getattr(model, field.name).through
        own = get_m2m_field_name(field)
        copied = getattr(historical, field.name).model
        names = [f.attname for f in through._meta.fields]
        copied.objects.bulk_create(
            copied(history=by_pk[getattr(link, f"{own}_id")], **{name: getattr(link, name) for name in names})
            for link in through.objects.filter(**{f"{own}__in": list(by_pk)})
        )
