"""The domain model of DESIGN.md, one module per concept."""

from positions.models.negotiations import Issue, Negotiation
from positions.models.parties import Actor, Party, Role
from positions.models.proposals import Proposal, Stance, StatusChange
from positions.models.sources import Document, IngestRun, Source
from positions.models.statements import Statement
from positions.models.system import WorkerHeartbeat

__all__ = [
    "Actor",
    "Document",
    "IngestRun",
    "Issue",
    "Negotiation",
    "Party",
    "Proposal",
    "Role",
    "Source",
    "Stance",
    "Statement",
    "StatusChange",
    "WorkerHeartbeat",
]
