"""The domain model of DESIGN.md, one module per concept."""

from positions.models.deadlines import Deadline
from positions.models.negotiations import Issue, Negotiation
from positions.models.parties import Actor, Party, Role
from positions.models.proposals import Proposal, ProposalRelation, Stance, StatusChange
from positions.models.runs import StanceRun, StatusRun
from positions.models.scales import Scale, ScalePosition, ScaleStep
from positions.models.sources import Document, DocumentBand, IngestRun, Item, Source
from positions.models.statements import Statement
from positions.models.system import DataWrite, LexiconWrite, WorkerHeartbeat
from positions.models.webhooks import Delivery, DeliveryAttempt, Subscription
from positions.vocabularies import ItemState

__all__ = [
    "Actor",
    "DataWrite",
    "Deadline",
    "Delivery",
    "DeliveryAttempt",
    "Document",
    "DocumentBand",
    "IngestRun",
    "Issue",
    "Item",
    "ItemState",
    "LexiconWrite",
    "Negotiation",
    "Party",
    "Proposal",
    "ProposalRelation",
    "Role",
    "Scale",
    "ScalePosition",
    "ScaleStep",
    "Source",
    "Stance",
    "StanceRun",
    "Statement",
    "StatusChange",
    "StatusRun",
    "Subscription",
    "WorkerHeartbeat",
]
