"""Writes of position scales: a curator's placement of a party on a step, with its evidence.

The scales themselves are data (the seed's `scales`, or the admin): the seed loader and the admin write them.
"""

from datetime import date

from positions.models import Party, ScalePosition, ScaleStep, Statement
from positions.services.curation import CURATOR_VIA, recorded_create


def scale_position_set(
    *,
    party: Party,
    step: ScaleStep,
    effective: date,
    evidence: list[Statement],
    note: str = "",
    user=None,
    via: str = CURATOR_VIA,
) -> ScalePosition:
    """A curator places a party on a step from a day on, with evidence: it wins over the stances from then."""
    data = {"party": party, "step": step, "effective": effective, "note": note, "evidence": evidence}
    return recorded_create(model=ScalePosition, data=data, user=user, via=via)
