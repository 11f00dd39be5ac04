"""Small builders of valid rows; each test overrides only what it is about."""

import hashlib
import itertools
from datetime import date

from positions.models import (
    Actor,
    Document,
    Issue,
    Negotiation,
    Party,
    Proposal,
    ProposalRelation,
    Role,
    Stance,
    Statement,
    StatusChange,
)
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


def relation(**kw) -> ProposalRelation:
    """A relation between two proposals of one negotiation (new ones unless given)."""
    kw.setdefault("from_proposal", kw.get("from_proposal") or proposal())
    kw.setdefault("to_proposal", kw.get("to_proposal") or proposal(negotiation=kw["from_proposal"].negotiation))
    return ProposalRelation.objects.create(
        **{"relation": "counter_to", "effective": date(2010, 1, 1), "review_state": ReviewState.APPROVED, **kw}
    )


def pdf(pages: list[str], *, title: str = "") -> bytes:
    """A minimal PDF written by hand: one page per string, each line of it in Helvetica."""

    def escaped(line: str) -> str:
        return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    count = len(pages)
    kids = " ".join(f"{4 + 2 * i} 0 R" for i in range(count))
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {count} >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, text in enumerate(pages):
        lines = " ".join(f"({escaped(line)}) Tj 0 -14 Td" for line in text.splitlines())
        stream = f"BT /F1 12 Tf 72 720 Td {lines} ET"
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> "
            f"/Contents {5 + 2 * i} 0 R >>"
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
    info = f"<< /Title ({escaped(title)}) >>" if title else "<< >>"
    objects.append(info)
    body, offsets = b"%PDF-1.4\n", []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{number} 0 obj\n{content}\nendobj\n".encode("latin-1")
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    trailer = f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info {len(objects)} 0 R >>\n"
    return body + f"{trailer}startxref\n{xref}\n%%EOF\n".encode()
