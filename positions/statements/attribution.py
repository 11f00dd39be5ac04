"""Who speaks: names, titles, role nouns, pronouns and metonyms resolved to actors and parties on a date."""

import re
from dataclasses import dataclass
from datetime import date

from positions.statements.records import ActorEntry, Lexicon, Speaker

# Adjectives and names of states, for "the Russian president" or "Lithuanian Foreign Minister X".
DEMONYMS = {
    "American": "United States",
    "U.S.": "United States",
    "US": "United States",
    "United States": "United States",
    "Russian": "Russia",
    "Soviet": "Russia",
    "British": "United Kingdom",
    "French": "France",
    "German": "Germany",
    "Polish": "Poland",
    "Czech": "Czech Republic",
    "Romanian": "Romania",
    "Turkish": "Turkey",
    "Danish": "Denmark",
    "Norwegian": "Norway",
    "Bulgarian": "Bulgaria",
    "Hungarian": "Hungary",
    "Lithuanian": "Lithuania",
    "Latvian": "Latvia",
    "Estonian": "Estonia",
    "Ukrainian": "Ukraine",
    "Georgian": "Georgia",
    "Italian": "Italy",
    "Spanish": "Spain",
    "Dutch": "Netherlands",
    "Belgian": "Belgium",
    "Canadian": "Canada",
    "Chinese": "China",
    "Japanese": "Japan",
    "Iranian": "Iran",
    "Korean": "South Korea",
    "North Korean": "North Korea",
    "Kazakh": "Kazakhstan",
    "Belarusian": "Belarus",
    "Slovak": "Slovakia",
    "Slovenian": "Slovenia",
    "Croatian": "Croatia",
    "Greek": "Greece",
    "Portuguese": "Portugal",
    "Swedish": "Sweden",
    "Finnish": "Finland",
    "Austrian": "Austria",
    "Swiss": "Switzerland",
    "Israeli": "Israel",
    "Indian": "India",
    "Pakistani": "Pakistan",
    "Syrian": "Syria",
    "Afghan": "Afghanistan",
    "Iraqi": "Iraq",
    "Mexican": "Mexico",
    "Australian": "Australia",
    "Albanian": "Albania",
    "Icelandic": "Iceland",
    "European": "European Union",
    "EU": "European Union",
    "NATO": "NATO",
    "Alliance": "NATO",
    "Allied": "NATO",
}
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
FULL_NAME = rf"{NAME}(?:\s+(?:[A-Z]\.|“[A-Z][a-z]+”|\"[A-Z][a-z]+\"|{NAME})){{0,3}}"
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
US_LEGISLATOR = re.compile(r"\((?:R|D|I)-[A-Z][A-Za-z. ]+\)|\b(?:Rep\.|Sen\.|Congressman|Congresswoman|Senator)\s")
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
}


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    speaker: Speaker
    text: str


def surname(name: str) -> str:
    words = [w for w in re.split(r"\s+", name.strip()) if w and not w.endswith(".") and not w.startswith(("“", '"'))]
    return words[-1] if words else name


class Gazetteer:
    """The lexicon indexed for one document date and home party."""

    def __init__(self, lexicon: Lexicon, day: date, home_party: str = ""):
        self.day = day
        self.home_party = home_party
        self.parties = {p.name: p for p in lexicon.parties}
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
        self.party_names: dict[str, str] = {}
        for party in lexicon.parties:
            for alias in (party.name, *party.aliases, *party.metonyms):
                self.party_names.setdefault(alias, party.name)
                if alias.startswith("the "):
                    self.party_names.setdefault("The " + alias[4:], party.name)
        for adjective, party in DEMONYMS.items():
            self.party_names.setdefault(adjective, party)
            self.party_names.setdefault(party, party)
        # Several-word names match whatever their capitals: "the Obama Administration".
        self.party_folded = {
            n.casefold().removeprefix("the "): p
            for n, p in self.party_names.items()
            if " " in n or n.startswith("the ")
        }

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
        """Who holds a post such as "foreign minister" of a party on the day (the home party if none given)."""
        wanted = ROLE_TITLE_WORDS.get(role.lower(), (role.lower(),))
        party = party or self.home_party
        found = []
        for actor in self.actors.values():
            for r in actor.roles:
                title = r.title.lower()
                if not r.holds_on(self.day) or (party and r.party != party):
                    continue
                if role.lower() == "president" and "vice" in title:
                    continue
                # "Minister of Foreign Affairs", "White House Press Secretary"; not "Adviser to the Vice
                # President" nor "Deputy Minister of Foreign Affairs", posts that serve or stand in for one.
                subordinate = " to the " in title or title.startswith(("deputy", "acting", "assistant", "under"))
                if any(title.startswith(w) or (title.endswith(w) and not subordinate) for w in wanted):
                    found.append(actor)
        return found[0] if len(found) == 1 else None

    def party_in(self, words: str) -> str:
        words = words.strip().removesuffix("’s").removesuffix("'s").strip()
        if not words:
            return ""
        if words in self.party_names:
            return self.party_names[words]
        folded = words.casefold().removeprefix("the ")
        if folded in self.party_folded:
            return self.party_folded[folded]  # "The Obama Administration", "the administration"
        for token in reversed(words.split()):
            token = token.removesuffix("’s").removesuffix("'s")
            if token in self.party_names:
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
        for candidate in (text, bare):
            if candidate in self.by_alias:
                return self.speaker_for(self.by_alias[candidate])
        last = surname(bare)
        if last in self.by_alias and self.by_alias[last].kind == "person":
            return self.speaker_for(self.by_alias[last])
        if last.casefold() in self.by_surname_ci and (bare == last or bare.isupper() or text != bare):
            # "MR. McFAUL" or "Mr. Mcfaul": a title and a known surname, whatever the capitals.
            actors = self.by_surname_ci[last.casefold()]
            return self.speaker_for(next((a for a in actors if any(r.holds_on(self.day) for r in a.roles)), actors[0]))
        key = text.lower().removeprefix("the ")
        if key in self.role_aliases:
            for actor in self.role_aliases[key]:
                if any(r.holds_on(self.day) for r in actor.roles):
                    party = self.party_of(actor)
                    if not self.home_party or party == self.home_party or "secretary general" in key:
                        return self.speaker_for(actor)
        if not bare or bare.split()[0] in NOT_NAMES or bare in self.party_names:
            return None
        if re.fullmatch(TITLES, bare):
            return None  # "Mr. President": a title with no name
        if bare.casefold().removeprefix("the ") in self.party_folded:
            return None  # "Obama Administration": a party's name, not a person's
        party = self.party_in(context_before.split(",")[-1]) if context_before else ""
        if not party and US_LEGISLATOR.search(f"{context_before[-12:]} {text} {context_after[:30]}"):
            party = "United States"
        if not party and context_after:
            apposition = re.match(r",\s*([^,.;“”\"]{3,120})", context_after)
            if apposition:
                party = self.party_in_phrase(apposition.group(1))
        return Speaker(name=bare, party=party)

    def party_in_phrase(self, phrase: str) -> str:
        whole = self.party_in(phrase)
        if whole:
            return whole
        for match in re.finditer(r"[A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*)*", phrase):
            found = self.party_in(match.group())
            if found:
                return found
        return ""


def scan_mentions(text: str, gaz: Gazetteer) -> list[Mention]:
    """Every place the document names a known actor, a titled person, a role or a party."""
    found: list[Mention] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    def add(a: int, b: int, speaker: Speaker) -> None:
        if free(a, b):
            taken.append((a, b))
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
            if not speaker.party:
                speaker = Speaker(
                    speaker.name, speaker.key, gaz.party_in(text[max(0, match.start() - 25) : match.start()])
                )
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
                name = names.get(role) or f"{DEMONYM_OF.get(party, party)} {match.group('role').title()}"
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
    party_pattern = re.compile(
        r"(?<![\w-])(?:"
        + "|".join(re.escape(p) for p in sorted(gaz.party_names, key=len, reverse=True))
        + r")(?![\w-])"
    )
    for match in party_pattern.finditer(text):
        add(*match.span(), Speaker(party=gaz.party_names[match.group()], kind="party", speaks_for=True))
    found.sort(key=lambda m: m.start)
    return found


DEMONYM_OF = {party: adjective for adjective, party in reversed(list(DEMONYMS.items())) if " " not in adjective}
