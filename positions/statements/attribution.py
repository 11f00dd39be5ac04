"""Who speaks: names, titles, role nouns, pronouns and metonyms resolved to actors and parties on a date."""

import bisect
import functools
import re
from dataclasses import dataclass, replace
from datetime import date

from positions.statements.countries import country_table
from positions.statements.people import BODY, NOT_A_NAME, POST, POSTS, Clues, describe
from positions.statements.records import ActorEntry, Lexicon, PartyEntry, Speaker

# Person titles that may stand before a name.
TITLES = (
    r"(?:Vice |Deputy |Acting |Former |former |First |Under |Assistant |Senior |Chief |Permanent )*"
    r"(?:President|Prime Minister|Premier|Chancellor|Foreign Minister|Defen[cs]e Minister|Minister|Secretary General"
    r"|Secretary-General|Secretary of State|Secretary of Defense|Defense Secretary|Secretary|Ambassador|Senator|Sen\."
    r"|Representative|Rep\.|Congressman|Congresswoman|Chairman|Chairwoman|Speaker|Governor|Gov\.|General|Gen\."
    r"|Admiral|Adm\.|Spokesman|Spokeswoman|Spokesperson|Press Secretary|Mr\.|Mrs\.|Ms\.|Dr\.|King|Queen"
    r"|Director|Commissioner|Envoy|Leader|Mayor|Judge|Justice)"
)
NAME = r"(?:[A-Z]['’])?[A-Z][a-zà-ÿ]+(?:[A-Z][a-zà-ÿ]+)?(?:-[A-Z][a-zà-ÿ]+)?"  # Rasmussen, McFaul, O’Neill, DuVernay
# the words of a name stand apart by spaces and at most one line break: a headline above a paragraph is not
# part of the name that opens it
GAP = r"(?:[^\S\n]+\n?[^\S\n]*|\n[^\S\n]*)"
FULL_NAME = rf"{NAME}(?:{GAP}(?:[A-Z]\.|“[A-Z][a-z]+”|\"[A-Z][a-z]+\"|{NAME})){{0,3}}"
TITLED = re.compile(rf"\b(?P<title>{TITLES})\s+(?P<name>{FULL_NAME})")
# Role nouns in running text: "the Russian president", "NATO's secretary general", "the Foreign Ministry".
ROLE_NOUN = re.compile(
    r"\b(?:[Tt]he\s+)?(?P<party>(?:[A-Z][A-Za-z.]+(?:’s|'s)?\s+){0,2}?)?"
    r"(?P<role>[Pp]resident|[Pp]rime [Mm]inister|[Ff]oreign [Mm]inister|[Dd]efen[cs]e [Mm]inister"
    r"|[Ss]ecretary[ -][Gg]eneral"
    r"|[Ss]ecretary of [Ss]tate|[Ff]oreign [Mm]inistry|[Dd]efen[cs]e [Mm]inistry|[Ss]tate [Dd]epartment|[Pp]entagon"
    r"|[Ss]pokes(?:man|woman|person)|[Vv]ice [Pp]resident)\b"
)
ROLE_TITLE_WORDS = {
    "president": ("president",),
    "vice president": ("vice president",),
    "prime minister": ("prime minister",),
    "foreign minister": ("minister of foreign affairs", "foreign minister"),
    "defence minister": ("minister of defence", "minister of defense", "defence minister", "defense minister"),
    "defense minister": ("minister of defence", "minister of defense", "defence minister", "defense minister"),
    "secretary general": ("secretary general",),
    "secretary-general": ("secretary general",),
    "secretary of state": ("secretary of state",),
    "foreign ministry": ("ministry of foreign affairs",),
    "spokesman": ("spokesperson", "press secretary"),
    "spokeswoman": ("spokesperson", "press secretary"),
    "spokesperson": ("spokesperson", "press secretary"),
}
# The words leading up to a name that may say who its speaker is: "Iranian", "Russia's", "House Armed
# Services Committee", "former", "the". A lower-case word outside the post table ends them ("told").
_POST_WORDS = sorted({w for forms, *_ in POSTS for f in forms.split("|") for w in f.lower().split()} - {"of"})
LEAD = re.compile(
    r"(?:(?:[A-Z][^\s,;:()“”\"]*|ex-|former|the|of|and|" + "|".join(re.escape(w) for w in _POST_WORDS) + r")\s+){0,8}$"
)
# A place named after these is where something happened ("agreed in Lisbon"), not a speaker.
PLACE = re.compile(r"\b(?:in|at|to|from|of|on|with|by|for|near|into|via|and)\s*$", re.IGNORECASE)
PRONOUNS = {"he", "she", "his", "her", "him"}
NOT_NAMES = {
    "The",
    "A",
    "An",
    "But",
    "And",
    "In",
    "On",
    "At",
    "As",
    "It",
    "This",
    "That",
    "These",
    "Those",
    "We",
    "I",
    "He",
    "She",
    "They",
    "There",
    "Here",
    "When",
    "While",
    "If",
    "So",
    "Yet",
    "Also",
    "After",
    "Before",
    "Since",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
    "Today",
    "Yesterday",
    "Earlier",
    "Later",
    "Meanwhile",
    "However",
    "According",
    "Speaking",
    "Commenting",
    "Asked",
    "Still",
    "Now",
    "Republicans",
    "Democrats",
    "Republican",
    "Democratic",
    "Democrat",
    "Congress",
    "Senate",
    "House",
    "Officials",
    "Rep",
    "Sen",
    "Del",
    "Gov",
    "Mr",
    "Mrs",
    "Ms",
    "Dr",
    "Gen",
    "Lt",
    "Col",
    "Sgt",
    "Capt",
    "Prof",
    "Hon",
    "Our",
    "My",
    "Your",
    "Their",
    "Its",
    "What",
    "Why",
    "How",
    "Who",
    "Thank",
    "Thanks",
    "Well",
    "Yes",
    "No",
    "Q",
    # quantifiers and numbers that open a plural ("Both sides", "All three leaders", "Two officials")
    "Both",
    "All",
    "Each",
    "Every",
    "Either",
    "Neither",
    "Some",
    "Many",
    "Most",
    "Several",
    "Few",
    "Other",
    "Others",
    "Two",
    "Three",
    "Four",
}


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    speaker: Speaker
    text: str


def _plain(words: str) -> str:
    return re.sub(r"\s+", " ", words).strip().removesuffix("’s").removesuffix("'s")


def surname(name: str) -> str:
    words = [w for w in re.split(r"\s+", name.strip()) if w and not w.endswith(".") and not w.startswith(("“", '"'))]
    return words[-1] if words else name


class _PartyIndex:
    """Party names by what a text calls them, for one lexicon's parties: built once, shared by its gazetteers."""

    def __init__(self, parties: tuple[PartyEntry, ...]):
        # The lexicon's parties first, then the country table's states, each under the lexicon's name for
        # it when the lexicon has one ("Iranian" gives "Islamic Republic of Iran" if a file calls it so).
        table = country_table()
        self.country_party: dict[str, str] = {}
        self.names: dict[str, str] = {}  # names, aliases, adjectives and acronyms: never a metonym
        lexicon_metonyms: dict[str, str] = {}
        for party in parties:
            for alias in (party.name, *party.aliases):
                country = table.country(alias) or table.named(alias)
                if country:
                    self.country_party.setdefault(country, party.name)
                self.names.setdefault(alias, party.name)
            for metonym in party.metonyms:
                lexicon_metonyms.setdefault(metonym, party.name)
        for word, country in table.words().items():
            party = self.country_party.get(country, country)
            self.names.setdefault(word, party)
            self.names.setdefault(party, party)
        self.party_names: dict[str, str] = {}
        for alias, party in (*self.names.items(), *lexicon_metonyms.items()):
            self.party_names.setdefault(alias, party)
            if alias.startswith("the "):
                self.party_names.setdefault("The " + alias[4:], party)
        # A capital or seat of government speaks only on its own ("Tehran said"), so the table's are not
        # scanned for in the text as the lexicon's metonyms are.
        metonyms = {**{m: self.country_party.get(c, c) for m, c in table.by_metonym.items()}, **lexicon_metonyms}
        self.metonyms = {m.casefold().removeprefix("the "): p for m, p in metonyms.items()}
        self.names_folded = {n.casefold().removeprefix("the "): p for n, p in self.names.items() if " " in n}
        # Several-word names match whatever their capitals: "the Obama Administration".
        self.party_folded = {
            n.casefold().removeprefix("the "): p
            for n, p in self.party_names.items()
            if " " in n or n.startswith("the ")
        }
        # One-word names of states the lexicon does not have: a document may use them as people's names.
        from_lexicon = {a for p in parties for a in (p.name, *p.aliases, *p.metonyms)}
        self.state_names = {n for n in table.by_name if n.isalpha() and n[1:].islower() and n not in from_lexicon}


@functools.lru_cache(maxsize=8)
def _party_index(parties: tuple[PartyEntry, ...]) -> _PartyIndex:
    return _PartyIndex(parties)


@functools.lru_cache(maxsize=32)
def _party_pattern(names: frozenset[str]) -> re.Pattern:
    # "New Mexico", "New Jersey": a state of the United States, not Mexico or Jersey.
    return re.compile(rf"(?<![\w-])(?<!New )(?:{_trie(names)})(?![\w-])")


def _trie(words) -> str:
    """An alternation of many words as a tree of their common beginnings, longest first: with some eight
    hundred party names, a flat alternation would try each one at every position of the text."""
    tree: dict = {}
    for word in words:
        node = tree
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def branch(node: dict) -> str:
        ends = "" in node
        arms = [re.escape(char) + branch(child) for char, child in sorted(node.items()) if char]
        if not arms:
            return ""
        body = arms[0] if len(arms) == 1 else "(?:" + "|".join(arms) + ")"
        return f"(?:{body})?" if ends else body

    return branch(tree)


class Gazetteer:
    """The lexicon indexed for one document date and home party (and, once `scan_mentions` has read the
    document, the states' names it uses as people's names)."""

    def __init__(self, lexicon: Lexicon, day: date, home_party: str = ""):
        self.day = day
        self.home_party = home_party
        self.parties = {p.name: p for p in lexicon.parties}
        self.sides = frozenset(lexicon.sides)
        self.actors = {a.key: a for a in lexicon.actors}
        self.by_alias: dict[str, ActorEntry] = {}
        self.role_aliases: dict[str, list[ActorEntry]] = {}
        by_surname: dict[str, list[ActorEntry]] = {}
        for actor in lexicon.actors:
            last = surname(actor.name) if actor.kind == "person" else ""
            for alias in (actor.name, *actor.aliases):
                if actor.kind == "person" and last not in alias and not any(w in alias for w in actor.name.split()):
                    self.role_aliases.setdefault(alias.lower().removeprefix("the "), []).append(actor)
                    continue
                self.by_alias.setdefault(alias, actor)
            if last:
                by_surname.setdefault(last, []).append(actor)
        self.by_surname_ci = {last.casefold(): actors for last, actors in by_surname.items()}
        for last, actors in by_surname.items():
            # Two known actors with one surname: the one holding a post on the day wins.
            active = [a for a in actors if any(r.holds_on(day) for r in a.roles)] or actors
            self.by_alias.setdefault(last, active[0])
        index = _party_index(lexicon.parties)
        self.country_party = index.country_party
        self.names = index.names
        self.names_folded = index.names_folded
        self.party_names = index.party_names
        self.party_folded = index.party_folded
        self.metonyms = index.metonyms
        self.state_names = index.state_names
        self.people_words: set[str] = set()

    def note_people(self, text: str) -> None:
        """Note the states' names the document uses in people's names ("Rep. Jim Jordan", "Chad Bown"): in
        it they name no party. Headlines are left out: in title case every word looks like a name."""
        self.people_words = set()
        for paragraph in text.split("\n"):
            words = paragraph.split()
            if len(words) < 8 or sum(w[:1].isupper() for w in words) * 2 > len(words):
                continue
            for name in self.state_names.intersection(re.findall(r"[A-Z][a-z]+", paragraph)) - self.people_words:
                for match in re.finditer(rf"(?<![\w-]){name}(?![\w-])", paragraph):
                    before = paragraph[: match.start()].split()[-1:] or [""]
                    after = paragraph[match.end() :].split()[:1] or [""]
                    first, last = before[0], after[0].rstrip(",.;:)’'\"”")
                    # "Jim Jordan", "Chad Bown said"; not "President of Kazakhstan Nazarbayev", "Sadly, Iran"
                    if (re.fullmatch(r"[A-Z][a-z]+", first) and not self._plain_word(first)) or (
                        re.fullmatch(r"[A-Z][a-z]+", last)
                        and not self._plain_word(last)
                        and first.lower() not in ("of", "in", "at", "to", "from", "for", "the", "with", "and", "by")
                    ):
                        self.people_words.add(name)
                        break

    def _plain_word(self, word: str) -> bool:
        """A capitalised word that is not anyone's name: "In", "Monday", "Defense", "Iranian", "Minister"."""
        return (
            word in NOT_NAMES
            or word in ("New", "South", "North")
            or word.casefold() in NOT_A_NAME
            or bool(self.named(word) or POST.fullmatch(word) or BODY.fullmatch(word))
        )

    def named(self, words: str) -> str:
        """The party a name, alias, adjective or acronym stands for ("Iranian", "U.S.", "the Russians"), or ""."""
        words = _plain(words)
        if words in self.people_words:
            return ""
        found = self.names.get(words) or self.names_folded.get(words.casefold().removeprefix("the "), "")
        if not found and words.endswith("s") and words[:1].isupper() | words.lower().startswith("the "):
            # a people named by its plural adjective: "the Russians", "Americans", "the Iranians"
            single = words.removeprefix("the ").removeprefix("The ")[:-1]
            if single[:1].isupper() and " " not in single:
                found = self.names.get(single, "")
        return found

    def metonym(self, words: str) -> str:
        """The party a place stands for when it speaks ("Tehran", "Moscow", "the Kremlin"), or ""."""
        return self.metonyms.get(_plain(words).casefold().removeprefix("the "), "")

    def adjective(self, party: str) -> str:
        """How a text calls a party's ministries: "Polish" for Poland, under whatever name the lexicon has it."""
        country = next((c for c, p in self.country_party.items() if p == party), party)
        return country_table().adjective(country)

    def party_of(self, actor: ActorEntry) -> str:
        """The party an actor speaks for on the day: a post that speaks for a party first."""
        held = [r for r in actor.roles if r.holds_on(self.day)]
        held.sort(key=lambda r: (not r.speaks_for_party, r.start), reverse=False)
        if held:
            return held[0].party
        if actor.roles:
            return max(actor.roles, key=lambda r: r.end or self.day).party
        return ""

    def speaker_for(self, actor: ActorEntry) -> Speaker:
        party = self.party_of(actor)
        speaks = any(r.holds_on(self.day) and r.party == party and r.speaks_for_party for r in actor.roles)
        return Speaker(name=actor.name, key=actor.key, party=party, kind=actor.kind, speaks_for=speaks)

    def role_holder(self, role: str, party: str) -> ActorEntry | None:
        """Who holds a post such as "foreign minister" of a party on the day (the home party if none given;
        with neither, of one of the negotiation's sides)."""
        wanted = ROLE_TITLE_WORDS.get(role.lower(), (role.lower(),))
        party = party or self.home_party
        found = []
        for actor in self.actors.values():
            for r in actor.roles:
                title = r.title.lower()
                if not r.holds_on(self.day) or (r.party != party if party else not self.on_a_side(r.party)):
                    continue
                if role.lower() == "president" and "vice" in title:
                    continue
                # "Minister of Foreign Affairs", "White House Press Secretary"; not "Adviser to the Vice
                # President" nor "Deputy Minister of Foreign Affairs", posts that serve or stand in for one.
                subordinate = " to the " in title or title.startswith(("deputy", "acting", "assistant", "under"))
                if any(title.startswith(w) or (title.endswith(w) and not subordinate) for w in wanted):
                    found.append(actor)
        return found[0] if len(found) == 1 else None

    def on_a_side(self, party: str) -> bool:
        """Whether a party is one of the negotiation's sides (every party is when none is given)."""
        return not self.sides or party in self.sides

    def party_in(self, words: str) -> str:
        words = words.strip().removesuffix("’s").removesuffix("'s").strip()
        if not words:
            return ""
        if words in self.party_names and words not in self.people_words:
            return self.party_names[words]
        folded = words.casefold().removeprefix("the ")
        if folded in self.party_folded:
            return self.party_folded[folded]  # "The Obama Administration", "the administration"
        for token in reversed(words.split()):
            token = token.removesuffix("’s").removesuffix("'s")
            if token in self.party_names and token not in self.people_words:
                return self.party_names[token]
        return ""

    def resolve_name(self, text: str, context_before: str = "", context_after: str = "") -> Speaker | None:
        """A name as written ("President Obama", "Mr. Gibbs", "Audronius Azubalis") to a speaker."""
        text = re.sub(r"\s+", " ", text).strip().strip(",")
        words = text.split()
        while len(words) > 1 and words[0] in NOT_NAMES:
            words.pop(0)  # "But Trump", "Today Medvedev"
        text = " ".join(words)
        bare = re.sub(rf"^(?:{TITLES}\s+)+", "", text).strip()

        def known(actor: ActorEntry) -> Speaker:
            speaker = self.speaker_for(actor)
            if speaker.party or not (context_before or context_after or text != bare):
                return speaker
            # No role at all: what the words say, as for someone nobody entered.
            clues = self.clues(text[: len(text) - len(bare)], context_before, context_after)
            return replace(speaker, party=clues.party)

        for candidate in (text, bare):
            if candidate in self.by_alias:
                return known(self.by_alias[candidate])
        last = surname(bare)
        if last in self.by_alias and self.by_alias[last].kind == "person":
            return known(self.by_alias[last])
        if last.casefold() in self.by_surname_ci and (bare == last or bare.isupper() or text != bare):
            # "MR. McFAUL" or "Mr. Mcfaul": a title and a known surname, whatever the capitals.
            actors = self.by_surname_ci[last.casefold()]
            return known(next((a for a in actors if any(r.holds_on(self.day) for r in a.roles)), actors[0]))
        key = text.lower().removeprefix("the ")
        if key in self.role_aliases:
            for actor in self.role_aliases[key]:
                if any(r.holds_on(self.day) for r in actor.roles):
                    party = self.party_of(actor)
                    if not self.on_a_side(party):
                        continue
                    if not self.home_party or party == self.home_party or "secretary general" in key:
                        return self.speaker_for(actor)
        if not bare or bare.split()[0] in NOT_NAMES or (bare in self.party_names and bare not in self.people_words):
            return None
        if re.fullmatch(TITLES, bare):
            return None  # "Mr. President": a title with no name
        if bare.casefold().removeprefix("the ") in self.party_folded:
            return None  # "Obama Administration": a party's name, not a person's
        own = describe(bare, self)
        if own.kind == "crowd":
            return Speaker(name=bare, party=own.party, kind="crowd")  # "Diplomats": many, and never an actor
        if own.title and not own.named:
            # "British Prime Minister", "Irish Foreign Minister": a post with its party and nobody's name
            holder = self.role_holder(own.title, own.party)
            return self.speaker_for(holder) if holder is not None else None
        place = self.metonym(bare)
        if place:
            # "Tehran said"; "agreed in Lisbon" is where, not who
            return None if PLACE.search(context_before) else Speaker(party=place, kind="party", speaks_for=True)
        clues = self.clues(text[: len(text) - len(bare)], context_before, context_after)
        return Speaker(
            name=bare,
            party=clues.party,
            kind="body" if own.kind == "body" else "person",
            speaks_for=bool(clues.speaks_for),
            title=clues.title,
        )

    def clues(self, titles: str, before: str = "", after: str = "") -> Clues:
        """What the words around a name say of its speaker: the titles before it with the words that lead
        up to them ("Iranian Foreign Minister"), a parenthesis after it ("(R-CA)"), an apposition after
        that (", the former secretary of state,"). A party named nearest the name wins; a clue that the
        post is a domestic voice (a legislator, a former official) wins over one that it speaks for the party."""
        lead = LEAD.search(before.rsplit("\n", 1)[-1]).group().strip() if before else ""
        found = []
        if lead or titles.strip():
            found.append(describe(f"{lead} {titles}", self))
        parenthesis = re.match(r"\s*(\([^()]{1,30}\))", after)
        if parenthesis:
            found.append(describe(parenthesis.group(1), self))
        apposition = re.match(r"(?:\s*\([^()]{1,30}\))?\s*,\s*([^,.;:“”\"()]{3,120})", after)
        if apposition:
            said = describe(apposition.group(1), self)
            if said.title or said.kind == "body":  # ", Russia's foreign minister", not ", who visited Moscow"
                found.append(said)
        voices = [c.speaks_for for c in found if c.speaks_for is not None]
        return Clues(
            party=next((c.party for c in found if c.party), ""),
            title=next((c.title for c in found if c.title), ""),
            speaks_for=(False not in voices) if voices else None,
        )

    def party_in_phrase(self, phrase: str) -> str:
        whole = self.party_in(phrase)
        if whole:
            return whole
        for match in re.finditer(r"[A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*)*", phrase):
            found = self.party_in(match.group())
            if found:
                return found
        return describe(phrase, self).party  # "South Korean President Park", "the Kremlin's spokesman"


def scan_mentions(text: str, gaz: Gazetteer) -> list[Mention]:
    """Every place the document names a known actor, a titled person, a role or a party."""
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []  # sorted and disjoint: only the neighbours of a span can overlap it
    gaz.note_people(text)

    def free(a: int, b: int) -> bool:
        at = bisect.bisect_left(taken, (a, b))
        return (at == 0 or taken[at - 1][1] <= a) and (at == len(taken) or taken[at][0] >= b)

    def add(a: int, b: int, speaker: Speaker) -> None:
        if free(a, b):
            bisect.insort(taken, (a, b))
            found.append(Mention(a, b, speaker, text[a:b]))

    aliases = sorted(gaz.by_alias, key=len, reverse=True)
    if aliases:
        pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(a) for a in aliases) + r")(?![\w-])")
        for match in pattern.finditer(text):
            actor = gaz.by_alias[match.group()]
            if actor.kind == "body":
                # "The Polish Foreign Ministry" is not Russia's, whatever the alias "Foreign Ministry" says.
                before = re.search(r"([A-Z][\w.]*(?:’s|'s)?)\s+$", text[max(0, match.start() - 30) : match.start()])
                named = gaz.party_in(before.group(1)) if before else ""
                if named and named != gaz.party_of(actor):
                    continue
            add(match.start(), match.end(), gaz.speaker_for(actor))
    for match in TITLED.finditer(text):
        name_start, name_end = match.span("name")
        if not free(name_start, name_end):
            continue
        speaker = gaz.resolve_name(match.group(), text[max(0, match.start() - 40) : match.start()], text[name_end:])
        if speaker:
            add(name_start, name_end, speaker)
    for match in ROLE_NOUN.finditer(text):
        if not free(*match.span()):
            continue
        party = gaz.party_in(match.group("party") or "")
        role = match.group("role").lower()
        if role in ("foreign ministry", "defence ministry", "defense ministry", "state department", "pentagon"):
            body = gaz.by_alias.get(f"{match.group('party') or ''}{match.group('role')}".strip())
            body = body or gaz.by_alias.get(match.group("role")) or gaz.by_alias.get("the " + match.group("role"))
            if body is not None and party and gaz.party_of(body) != party:
                body = None  # "the Polish Foreign Ministry": a ministry of that party, not the one we know
            if body is None and party:
                names = {"state department": "State Department", "pentagon": "Pentagon"}
                name = names.get(role) or f"{gaz.adjective(party)} {match.group('role').title()}"
                add(*match.span(), Speaker(name=name, party=party, kind="body"))
            elif body is not None:
                add(*match.span(), gaz.speaker_for(body))
            continue
        holder = gaz.role_holder(role, party) if party or match.group().lower().startswith("the ") else None
        if holder:
            add(*match.span(), gaz.speaker_for(holder))
    # A name right before a reporting verb is a speaker even with no title: "Sullivan says", "Fowler, an aide, said".
    from positions.statements.speech import REPORTING

    cued = re.compile(
        rf"(?P<name>{FULL_NAME})\b(?=\s*(?:\([^()]{{1,30}}\))?\s*(?:,[^“”\"]{{0,160}}?,)?\s*(?:{REPORTING})\b)"
    )
    for match in cued.finditer(text):
        if free(*match.span("name")):
            speaker = gaz.resolve_name(
                match.group("name"), text[max(0, match.start() - 40) : match.start()], text[match.end() :]
            )
            if speaker and speaker.name and speaker.name not in gaz.party_names:
                add(*match.span("name"), speaker)
    party_pattern = _party_pattern(frozenset(n for n in gaz.party_names if n not in gaz.people_words))
    for match in party_pattern.finditer(text):
        add(*match.span(), Speaker(party=gaz.party_names[match.group()], kind="party", speaks_for=True))
    found.sort(key=lambda m: m.start)
    return found
