"""Small builders of valid rows; each test overrides only what it is about."""

import hashlib
import itertools
from datetime import date

from positions.models import Actor, Document, Issue, Negotiation, Party, Proposal, Role, Stance, Statement, StatusChange
from positions.vocabularies import ReviewState

_seq = itertools.count(1)


def negotiation(**kw) -> Negotiation:
    n = next(_seq)
    return Negotiation.objects.create(**{"slug": f"negotiation-{n}", "title": f"Negotiation {n}", **kw})


def issue(**kw) -> Issue:
    n = next(_seq)
    kw.setdefault("negotiation", kw.get("negotiation") or negotiation())
    return Issue.objects.create(**{"key": f"issue-{n}", "title": f"Issue {n}", **kw})


def party(**kw) -> Party:
    n = next(_seq)
    return Party.objects.create(**{"name": f"Party {n}", "slug": f"party-{n}", "kind": "state", **kw})


def actor(**kw) -> Actor:
    n = next(_seq)
    return Actor.objects.create(**{"name": f"Actor {n}", "slug": f"actor-{n}", **kw})


def role(**kw) -> Role:
    kw.setdefault("actor", kw.get("actor") or actor())
    kw.setdefault("party", kw.get("party") or party())
    return Role.objects.create(**{"title": "Minister", "start": date(2010, 1, 1), **kw})


def proposal(**kw) -> Proposal:
    n = next(_seq)
    neg = kw.pop("negotiation", None) or negotiation()
    kw.setdefault("issue", kw.get("issue") or issue(negotiation=neg))
    kw.setdefault("proponent", kw.get("proponent") or party())
    return Proposal.objects.create(
        **{
            "negotiation": neg,
            "slug": f"proposal-{n}",
            "title": f"Proposal {n}",
            "first_stated": date(2010, 1, 1),
            **kw,
        }
    )


def document(text: str = "The minister said the plan was fine.", **kw) -> Document:
    return Document.objects.create(
        **{"title": "A report", "text": text, "content_hash": hashlib.sha256(text.encode()).hexdigest(), **kw}
    )


def statement(**kw) -> Statement:
    doc = kw.pop("document", None) or document(text=f"Text {next(_seq)}: the plan was fine.")
    start, end = kw.pop("start", 0), kw.pop("end", None)
    end = len(doc.text) if end is None else end
    return Statement.objects.create(
        **{
            "document": doc,
            "quote": doc.text[start:end],
            "start": start,
            "end": end,
            "mode": "direct",
            "kind": "assessment",
            "said_on": date(2010, 1, 1),
            **kw,
        }
    )


def stance(**kw) -> Stance:
    kw.setdefault("proposal", kw.get("proposal") or proposal())
    kw.setdefault("party", kw.get("party") or party())
    return Stance.objects.create(
        **{"stance": "supports", "effective": date(2010, 1, 1), "review_state": ReviewState.APPROVED, **kw}
    )


def status_change(**kw) -> StatusChange:
    kw.setdefault("proposal", kw.get("proposal") or proposal())
    return StatusChange.objects.create(
        **{"status": "tabled", "effective": date(2010, 1, 1), "review_state": ReviewState.APPROVED, **kw}
    )
