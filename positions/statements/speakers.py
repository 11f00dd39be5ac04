"""Who a source is: a known actor, a person the document names, a party, or nobody in particular.

The source as written ("Sen. David Perdue (R-Ga.)", "he", "the Kremlin", "Russian officials") is
resolved within its document: a name to the fullest form of that name in the text and to the actor
register on the day; a pronoun to the last person named before it; a title or role noun to who held
it that day; a party's name or metonym to the party with no speaker; a crowd to its party, if any.
"""

import re
from bisect import bisect_left, bisect_right
from dataclasses import replace

from positions.statements.attribution import FULL_NAME, NOT_NAMES, TITLES, Gazetteer, Mention
from positions.statements.people import describe
from positions.statements.records import Speaker

PRONOUN = re.compile(r"^(?:he|she|him|his|her)$", re.IGNORECASE)
PLURAL = re.compile(r"^(?:they|them|their)$", re.IGNORECASE)
FIRST_PERSON = re.compile(r"^(?:i|we|me|us|my|our)$", re.IGNORECASE)
RELATIVE = re.compile(r"^(?:who|whom|which|that)$", re.IGNORECASE)
NOBODY = re.compile(r"^(?:it|you|this|one|someone|somebody|everyone|everybody|nobody)$", re.IGNORECASE)
CROWD = re.compile(
    r"\b(?:officials?|sources?|experts?|analysts?|diplomats?|aides?|observers|critics|people|residents|voters"
    r"|supporters|lawmakers|legislators|members|leaders|authorities|politicians|commentators|reports?|media"
    r"|polls?|surveys?|studies|documents?|statements?|data|figures|scientists|economists|historians)\b",
    re.IGNORECASE,
)
# What speaks for its owner ("Rep. Turner’s letter", "the senator's office"), unlike "Ivana Trump's brief".
SPEAKS_FOR_OWNER = {"letter", "statement", "office", "spokesman", "spokeswoman", "spokesperson", "website", "account",
                    "aide", "aides", "campaign", "team", "staff", "press"}  # fmt: skip
OWNED = re.compile(r"[’']s\s+(?:[a-z]+\s+)?(?P<thing>[a-z]+)$")
# "MOSCOW, February 1 (Itar-Tass) — ": where a report begins, never part of who speaks in it.
DATELINE = re.compile(r"^[A-Z][A-Z .]{2,30}(?:,[^—–()\n]{1,30})?\s*(?:\([^()]{1,40}\))?\s*[—–-]+\s*")
LEADING = re.compile(r"^(?:the|a|an|but|and|so|then|also|as)\s+", re.IGNORECASE)


# Words after which a clause names someone else than what came before them: a preposition, a conjunction, a
# reporting verb ("Barnier said after a meeting with Brexit Secretary Dominic Raab").
LINKING = re.compile(
    r"\b(?:with|after|before|by|to|from|for|and|or|than|as|at|on|in|against|between|about|like|under|over|said|says"
    r"|told|tells|met|meets|meeting|joined|joins|called|calls|urged|urges|asked|asks)\s+",
)


class People:
    """The people and parties one document names, for resolving its sources."""

    def __init__(self, text: str, gaz: Gazetteer, mentions: list[Mention], persons: list[tuple[int, int]]):
        self.text = text
        self.gaz = gaz
        self.mentions = mentions  # known actors, titled names, role nouns and parties (attribution.scan_mentions)
        self.persons = sorted(persons)  # spans the parser calls people
        # One person per surname in a document: "Congressman Mike Rogers (R-AL)" then "Rogers said".
        self.by_surname: dict[str, Speaker] = {}
        for m in mentions:
            if m.speaker.kind == "person" and m.speaker.name:
                self._cluster(m.speaker)
        for a, b in self.persons:
            name = _clean_name(text[a:b])
            if name and len(name.split()) >= 2:
                found = self.gaz.resolve_name(name, text[max(0, a - 60) : a], text[b : b + 120])
                if found is not None and found.name:
                    self._cluster(found if found.key or found.party else self._described(found, a))

    def _described(self, speaker: Speaker, a: int) -> Speaker:
        """A new person's party and post from the words leading up to the name in its clause
        ("European Union foreign policy chief Catherine Ashton")."""
        clause = re.split(r"[\n.;:,–—(“”\"]", self.text[max(0, a - 80) : a])[-1]
        # the words that name the person, not the clause before them: "Barnier said after a meeting with
        # Brexit Secretary Dominic Raab" gives Raab "Brexit Secretary", not Barnier's post
        lead = LINKING.split(clause)[-1].strip()
        if not lead:
            return speaker
        clues = describe(f"{lead} {speaker.name}", self.gaz)
        if not clues.party:
            return speaker
        return replace(speaker, party=clues.party, title=speaker.title or clues.title,
                       speaks_for=bool(clues.speaks_for))  # fmt: skip

    def _cluster(self, speaker: Speaker) -> None:
        last = speaker.name.split()[-1]
        known = self.by_surname.get(last)
        if (
            known is None
            or (speaker.key and not known.key)
            or (not known.key and len(speaker.name) > len(known.name) and (speaker.party or not known.party))
            or (not known.key and speaker.party and not known.party)
        ):
            self.by_surname[last] = speaker if known is None or not known.party or speaker.party else replace(
                speaker, party=known.party)  # fmt: skip

    def person_before(self, position: int) -> Speaker | None:
        """The last person named before a position (a pronoun's antecedent)."""
        best_at, best = -1, None
        for m in self.mentions:
            if m.start >= position:
                break
            if m.speaker.kind == "person" and m.speaker.name:
                best_at, best = m.start, m.speaker
        for a, b in self.persons:
            if a >= position:
                break
            if a > best_at:
                name = _clean_name(self.text[a:b])
                found = self._name(name, a, b) if name else None
                if found is not None:
                    best_at, best = a, found
        if best is not None and not best.key:
            best = self.by_surname.get(best.name.split()[-1], best)  # "Raab, for his part, said" is Dominic Raab
        return best

    def first_person(self, start: int, end: int) -> Speaker | None:
        """The first person named within [start, end) (who opens a release's announcing sentence)."""
        first = next((m for m in self.mentions if start <= m.start < end and m.speaker.kind == "person"
                      and m.speaker.name), None)  # fmt: skip
        for a, b in self.persons:
            if a >= end or (first is not None and a >= first.start):
                break
            if a >= start:
                name = _clean_name(self.text[a:b])
                found = self._name(name, a, b) if name else None
                if found is not None and found.name:
                    return replace(found, written=self.text[a:b])
        if first is None:
            return None
        speaker = first.speaker
        if not speaker.key:
            speaker = self.by_surname.get(speaker.name.split()[-1], speaker)
        return replace(speaker, written=first.text)

    def antecedent(self, position: int, written: str) -> Speaker | None:
        """What a relative pronoun stands for: the person or party named just before it ("Obama, who said")."""
        mention = None
        for m in self.mentions:
            if m.end > position:
                break
            mention = m
        if mention is not None and re.fullmatch(r"[\s,]*", self.text[mention.end : position]):
            speaker = mention.speaker
            if speaker.kind == "person" and speaker.name and not speaker.key:
                speaker = self.by_surname.get(speaker.name.split()[-1], speaker)
            return replace(speaker, written=written)
        for a, b in reversed(self.persons):
            if b <= position and re.fullmatch(r"[\s,]*", self.text[b:position]):
                name = _clean_name(self.text[a:b])
                found = self._name(name, a, b) if name else None
                return replace(found, written=written) if found else None
        return None

    def _name(self, name: str, a: int, b: int) -> Speaker | None:
        found = self.gaz.resolve_name(name, self.text[max(0, a - 60) : a], self.text[b : b + 120])
        if found is None or not found.name:
            return found
        if not found.key and not found.party:
            found = self._described(found, a)
        if not found.key and found.kind == "person":
            return self.by_surname.get(found.name.split()[-1], found)
        return found

    def resolve(
        self, start: int, end: int, *, own: Speaker | None = None, shown: tuple[int, int] | None = None
    ) -> Speaker | None:
        """The speaker of the source written at [start, end); `own` is who speaks around it (a turn's speaker).
        `shown` is the whole phrase the text names the source with ("Tim Cook" stands in "Apple's chief
        executive, Tim Cook,"): it becomes the speaker as written, the resolution reads [start, end) alone."""
        speaker = self._resolve(start, end, own)
        if speaker is None or shown is None or shown == (start, end):
            return speaker
        if speaker.written != DATELINE.sub("", self.text[start:end].strip()):
            return speaker  # not read from these words: the turn's own speaker for "I"
        return replace(speaker, written=DATELINE.sub("", self.text[shown[0] : shown[1]].strip()))

    def _resolve(self, start: int, end: int, own: Speaker | None) -> Speaker | None:
        written = DATELINE.sub("", self.text[start:end].strip())
        if not written:
            return None
        bare = LEADING.sub("", written)
        if FIRST_PERSON.match(bare):
            return own
        if NOBODY.match(bare):
            return None
        if RELATIVE.match(bare):
            return self.antecedent(start, written)
        if PRONOUN.match(bare):
            found = self.person_before(start)
            return replace(found, written=written) if found else None
        standing = self.gaz.metonym(bare) or self.gaz.named(bare)
        if standing:
            # the source is the party's name, a people or a metonym: "Moscow", "the Russians", "Tehran"
            return Speaker(party=standing, kind="party", speaks_for=True, written=written)
        owned = OWNED.search(bare)
        if owned and owned.group("thing").lower() not in SPEAKS_FOR_OWNER:
            # "Ivana Trump's brief", "the senator's bill": the thing speaks, described as written
            return Speaker(name=written, kind="description", written=written)
        # scan_mentions' mentions are disjoint and in order, so those overlapping the source are one run of them
        first = bisect_right(self.mentions, start, key=_end)
        inside = self.mentions[first : bisect_left(self.mentions, end, lo=first, key=_start)]
        people = [m for m in inside if m.speaker.kind in ("person", "body") and m.speaker.name]
        if people:
            # the last one: "Russian Deputy Defence Minister Anatoly Antonov" is Antonov, not the minister
            speaker = people[-1].speaker
            if not speaker.key and speaker.kind == "person":
                speaker = self.by_surname.get(speaker.name.split()[-1], speaker)
            return replace(speaker, written=written)
        for a, b in self.persons:
            if a < end and b > start:
                name = _clean_name(self.text[a:b])
                found = self._name(name, a, b) if name else None
                if found is not None:
                    return replace(found, written=written)
        name = re.search(rf"(?<![\w’'])(?P<name>{FULL_NAME})", bare)
        if name and name.group("name").split()[0] not in NOT_NAMES and not CROWD.search(bare):
            found = self._name(name.group("name"), start + bare.find(name.group("name")), end)
            if found is not None and found.name and found.name not in self.gaz.party_names:
                return replace(found, written=written)
        parties = [m for m in inside if m.speaker.kind == "party"]
        party = parties[0].speaker.party if parties else self.gaz.party_in_phrase(bare)
        if PLURAL.match(bare):
            before = [m for m in self.mentions if m.end <= start and m.speaker.kind == "party"]
            party = before[-1].speaker.party if before else ""
            return Speaker(party=party, kind="party", speaks_for=True, written=written) if party else None
        if CROWD.search(bare):
            return Speaker(party=party, kind="crowd", written=written)
        if parties and len(bare) <= len(parties[0].text) + 4:
            # the source is the party's name with little around it: "Russia's", "the U.S."
            return Speaker(party=party, kind="party", speaks_for=True, written=written)
        # a post or a body nobody entered and the register cannot fill: "the Russian president" after his term
        return Speaker(party=party, kind="description", written=written)


def _start(mention: Mention) -> int:
    return mention.start


def _end(mention: Mention) -> int:
    return mention.end


def _clean_name(name: str) -> str:
    name = re.sub(r"[’']s$", "", name.strip())
    name = re.sub(rf"^(?:{TITLES}\s+)+", "", name)
    words = [w for w in name.split() if w not in NOT_NAMES]
    return " ".join(words)
