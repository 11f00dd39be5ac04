"""Atom feeds of changes (django.contrib.syndication): per negotiation, per party, per proposal.

An entry is one status change or stance change as it took effect, newest first, with the value it
replaced (a restatement of the value in force is evidence, not a change: it has no entry); its id is
its anchor on the proposal page, so readers that follow it land on the event.
Titles and summaries are plain text (notes and titles come from curators, the machine and the web):
nothing in a feed is declared HTML, so no reader renders a tag from them.
"""

from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

from positions import selectors
from positions.pages.labels import value_word

ENTRIES = 50


class TextAtomFeed(Atom1Feed):
    """Atom with plain-text summaries: Django declares every summary type="html", and a note such as
    `<img src=x onerror=…>`, escaped once for XML, would then be rendered by the reader."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class ChangesFeed(Feed):
    feed_type = TextAtomFeed
    author_name = "Negotiation-position tracker"

    def item_title(self, change: dict) -> str:
        title = change["proposal"]["title"]
        now = value_word(change["type"], change["value"])
        if change["type"] == "status":
            return f"{title}: now {now}"
        return f"{change['party']['name']} {now}: {title}"

    def item_description(self, change: dict) -> str:
        before = value_word(change["type"], change["previous"])
        text = f"From {change['date'].isoformat()}: {value_word(change['type'], change['value'])} (was: {before})."
        if change["review_state"] != "approved":
            text += " Not yet reviewed by a curator."
        if change["note"]:
            text += f" {change['note']}"
        return text

    def item_link(self, change: dict) -> str:
        return reverse("pages:proposal", args=[change["proposal"]["id"]]) + f"#{change['type']}-{change['id']}"

    def item_pubdate(self, change: dict) -> datetime:
        return timezone.make_aware(datetime.combine(change["date"], time.min), timezone.get_current_timezone())

    def item_updateddate(self, change: dict) -> datetime:
        return change["recorded_at"]


class NegotiationChangesFeed(ChangesFeed):
    def get_object(self, request, slug: str):
        negotiation = selectors.negotiation_by_slug(slug=slug)
        if negotiation is None:
            raise Http404("No such negotiation.")
        return negotiation

    def title(self, negotiation) -> str:
        return f"{negotiation.title}: changes of status and stance"

    def link(self, negotiation) -> str:
        return reverse("pages:negotiation", args=[negotiation.slug])

    def subtitle(self, negotiation) -> str:
        return "Each proposal's status changes and each party's stance changes, newest first."

    def items(self, negotiation) -> list[dict]:
        return selectors.changes_history(negotiation=negotiation, limit=ENTRIES)


class PartyChangesFeed(ChangesFeed):
    def get_object(self, request, slug: str):
        profile = selectors.party_by_slug(slug=slug)
        if profile is None:
            raise Http404("No such party.")
        return profile

    def title(self, party) -> str:
        return f"{party.name}: changes of stance"

    def link(self, party) -> str:
        return reverse("pages:party", args=[party.slug])

    def subtitle(self, party) -> str:
        return f"{party.name}'s stance changes on every proposal, newest first."

    def items(self, party) -> list[dict]:
        return selectors.changes_history(party=party, limit=ENTRIES)


class ProposalChangesFeed(ChangesFeed):
    def get_object(self, request, pk: int):
        proposal = selectors.proposal_by_id(proposal_id=pk)
        if proposal is None:
            raise Http404("No such proposal.")
        return proposal

    def title(self, proposal) -> str:
        return f"{proposal.title}: status and stances"

    def link(self, proposal) -> str:
        return reverse("pages:proposal", args=[proposal.id])

    def subtitle(self, proposal) -> str:
        return "Its status changes and each party's stance changes, newest first."

    def items(self, proposal) -> list[dict]:
        return selectors.changes_history(proposal=proposal, limit=ENTRIES)
