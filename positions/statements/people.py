"""What the words naming a speaker tell of them: their party, their post, whether the post speaks for the
party, and whether they are one person, a body or a crowd ("diplomats", "a senior official")."""

import re
from dataclasses import dataclass, field
from typing import Protocol

from positions.statements.countries import country_table
from positions.statements.records import Found, NewActor

# Posts as texts write them ("|" between forms; a form with a capital letter only matches as written),
# the title a suggested role gets, whether the post speaks for its party in a negotiation (None: the
# words do not say), and the party the post itself implies when the text names none.
POSTS = (
    # Heads of state and government, ministers, diplomats, spokespersons: they speak for the party.
    ("president", "President", True, ""),
    ("vice president", "Vice President", True, ""),
    ("prime minister|premier", "Prime Minister", True, ""),
    ("chancellor", "Chancellor", True, ""),
    ("foreign minister|minister of foreign affairs|foreign secretary", "Foreign Minister", True, ""),
    ("defence minister|defense minister|minister of defence|minister of defense", "Defence Minister", True, ""),
    ("minister", "Minister", True, ""),
    ("secretary of state", "Secretary of State", True, "United States"),
    ("secretary of defense|defense secretary", "Secretary of Defense", True, "United States"),
    ("secretary general|secretary-general", "Secretary General", True, ""),
    ("national security adviser|national security advisor", "National Security Adviser", True, ""),
    ("ambassador|permanent representative", "Ambassador", True, ""),
    ("envoy|special representative", "Envoy", True, ""),
    ("negotiator", "Negotiator", True, ""),
    ("spokesman|spokeswoman|spokesperson", "Spokesperson", True, ""),
    ("press secretary", "Press Secretary", True, ""),
    ("aide|adviser|advisor", "Adviser", True, ""),
    ("diplomat", "Diplomat", True, ""),
    # Posts that may or may not speak for the party.
    ("official", "Official", None, ""),
    ("General|Gen.", "General", None, ""),
    ("Admiral|Adm.", "Admiral", None, ""),
    ("commander", "Commander", None, ""),
    ("chief of staff", "Chief of Staff", None, ""),
    ("chairman|chairwoman", "Chairman", None, ""),
    ("director", "Director", None, ""),
    # Domestic voices: kept, shown as such, never moving a party's stance.
    ("senator|Sen.", "Senator", False, "United States"),
    ("representative|Rep.|congressman|congresswoman", "Representative", False, "United States"),
    ("member of congress", "Member of Congress", False, "United States"),
    ("lawmaker|legislator|member of parliament|MP", "Legislator", False, ""),
    ("governor|Gov.", "Governor", False, ""),
    ("mayor", "Mayor", False, ""),
    ("analyst|expert|researcher|scholar", "Analyst", False, ""),
    ("professor", "Professor", False, ""),
)
# The title of a suggested role when the text names the party but no post (a transcript's own officials):
# a role is still suggested, since an approved actor with no role has no party (see `new_actor`).
GENERIC_TITLE = "Official"
# Words before a post that are part of it: "Deputy Foreign Minister", "acting ambassador".
MODIFIERS = ("deputy", "vice", "acting", "first", "assistant", "under", "principal", "chief", "senior")
# Bodies a speaker belongs to or speaks as, whether they speak for the party, and the party they imply.
BODIES = (
    ("state department|department of state", True, "United States"),
    ("pentagon|defense department|department of defense", True, "United States"),
    ("ministry|department|embassy|government|administration|foreign office|mission", True, ""),
    ("congress", False, "United States"),
    ("state duma|duma", False, "Russia"),
    ("committee|subcommittee|parliament|senate", False, ""),
    ("council|agency|commission|office", None, ""),
)
# Many speakers, or one nobody names: kept as the party's voice at most, never an actor.
CROWDS = {
    "diplomats", "officials", "analysts", "experts", "observers", "sources", "critics", "lawmakers",
    "legislators", "members", "people", "residents", "aides", "advisers", "spokesmen", "authorities",
    "leaders", "ministers", "senators", "congressmen", "representatives", "delegates", "negotiators",
    "republicans", "democrats", "officers", "commanders", "insiders", "activists", "protesters", "voters",
    "supporters", "opponents", "scientists", "specialists", "allies", "partners", "colleagues", "presidents",
}  # fmt: skip
ANONYMOUS = re.compile(r"^(?:a|an|one|another|some|two|three|several)\s", re.IGNORECASE)
OF = re.compile(r"\s+(?:of|for|from)\s+(?:the\s+)?(?:[A-Z][\w.’'&-]*\s+)*")
POSSESSIVE = re.compile(r"[’']s\b")
FORMER = re.compile(r"(?<![\w-])(?:former|ex-|erstwhile)", re.IGNORECASE)
# A US legislator by party and state or district: "(R-Ohio)", "(D-Wis.)", "(TX-11)", "(R)".
LEGISLATOR = re.compile(r"\((?:[RDI]-[A-Z][A-Za-z. ]*|(?P<district>[A-Z]{2}-\d{1,2})|[RDI])\)")
# A run of capitalised words, the way a text writes a name ("Islamic Republic of Iran", "White House").
CAPITALISED = re.compile(r"[A-Z][\w.’'&-]*(?:\s+(?:(?:of|the|and)\s+)*[A-Z][\w.’'&-]*)*")
# Small words that may stand capitalised in a phrase without being anyone's name.
NOT_A_NAME = {
    "the", "a", "an", "of", "and", "for", "to", "in", "at", "on", "with", "from", "former", "ex", "top", "senior",
    "western", "eastern", "northern", "southern", "arab", "other", "many", "some", "several", "unnamed",
    "anonymous", "administration", "congressional", "republican", "democratic", "military", "diplomatic",
    "intelligence", "defense", "defence", "foreign", "security", "nuclear", "mr.", "mrs.", "ms.", "dr.", "u.s.",
}  # fmt: skip


@dataclass(frozen=True)
class Clues:
    """What the words say: the party, the post's title, whether it speaks for the party (None: unsaid), and
    the kind of speaker: a person, a body, a crowd (never an actor), or "" when the words do not tell."""

    party: str = ""
    title: str = ""
    speaks_for: bool | None = None
    kind: str = ""
    # whether a word is left that is no post, body or party, someone's name ("Simon Coveney"); not compared:
    # two phrases that say the same of a speaker give equal clues
    named: bool = field(default=False, compare=False)


class PartyNames(Protocol):
    """Party names by what a text calls them: the country table, or a Gazetteer (its lexicon first)."""

    def named(self, words: str) -> str:
        """The party a name, adjective or acronym stands for ("Iranian", "U.S."), or ""."""

    def metonym(self, words: str) -> str:
        """The party a place stands for when it speaks ("Tehran", "the Kremlin"), or ""."""


def _forms(table, *, with_modifiers: bool = False) -> re.Pattern:
    """One pattern for a table's forms, longest first; forms with a capital letter match only as written."""
    groups = []
    for i, (forms, *_rest) in enumerate(table):
        alternatives = sorted(forms.split("|"), key=len, reverse=True)
        plain = [re.escape(f) for f in alternatives if f.islower()]
        cased = [re.escape(f) for f in alternatives if not f.islower()]
        parts = ([rf"(?i:{'|'.join(plain)})"] if plain else []) + cased
        groups.append((max(len(f) for f in alternatives), rf"(?P<g{i}>{'|'.join(parts)})"))
    body = "|".join(g for _n, g in sorted(groups, key=lambda x: -x[0]))
    modifiers = rf"(?P<mods>(?i:(?:(?:{'|'.join(MODIFIERS)})\s+)*))" if with_modifiers else ""
    return re.compile(rf"(?:(?<![\w-])|(?<=\bex-)){modifiers}(?:{body})(?![\w-])")


POST = _forms(POSTS, with_modifiers=True)
BODY = _forms(BODIES)


def describe(phrase: str, parties: PartyNames | None = None) -> Clues:
    """The clues in the words a text names a speaker with: "Iranian Foreign Minister Mohammad Javad Zarif",
    "Rep. Howard McKeon (R-CA)", "Colin Powell, the former secretary of state", "Western diplomats".

    The party is the one named nearest before the post ("Russia's foreign minister"), else the first after
    it ("an official of the Iranian Foreign Ministry"), else a US legislator's, else the one the post or
    body implies ("Secretary of State", "State Department"). A capital or seat of government counts only
    standing alone ("Tehran's envoy"), not inside a longer name ("Moscow State University").
    """
    parties = parties or country_table()
    text = re.sub(r"\s+", " ", phrase).strip()
    # "the Iranian president's spokesman": the president owns the post, the spokesman holds it.
    posts = [(m.start(), m.end(), _post(m)) for m in POST.finditer(text) if not POSSESSIVE.match(text, m.end())]
    bodies = [(m.start(), m.end(), BODIES[_group(m)]) for m in BODY.finditer(text)]
    taken = [(a, b) for a, b, _ in posts + bodies]
    hits, names = _party_words(text, parties, taken)
    legislator = LEGISLATOR.search(text)
    former = FORMER.search(text) is not None

    anchor = min([a for a, _b, _p in posts + bodies], default=len(text))
    anchor_end = min([b for a, b, _p in posts + bodies if a == anchor], default=len(text))
    before = [party for start, party in hits if start < anchor]
    # After the post, only a party it belongs to: "minister of Iran", "an official of the Iranian Foreign
    # Ministry", not "ambassador to Russia" nor "an aide who went to Burma".
    after = [party for start, party in hits if start >= anchor and OF.fullmatch(text, anchor_end, start)]
    party = (before[-1:] or after[:1] or [""])[0]
    if not party and legislator:
        party = "United States"
    party = party or next((p[3] for _a, _b, p in posts if p[3]), "") or next((b[2] for _a, _b, b in bodies if b[2]), "")

    title = posts[0][2][1] if posts else ""
    if not title and legislator:
        title = "Representative" if legislator.group("district") else "Member of Congress"
    if title and former:
        title = f"Former {title}"
    voices = [p[2] for _a, _b, p in posts if p[2] is not None] + [b[1] for _a, _b, b in bodies if b[1] is not None]
    speaks_for = False if former or legislator or False in voices else (voices[0] if voices else None)
    kind = _kind(text, posts, bodies, names)
    return Clues(party=party, title=title, speaks_for=speaks_for, kind=kind, named=bool(names))


def _group(match: re.Match) -> int:
    return next(int(name[1:]) for name, value in match.groupdict().items() if value and name.startswith("g"))


def _post(match: re.Match) -> tuple:
    forms, title, speaks_for, party = POSTS[_group(match)]
    modifiers = " ".join(w.capitalize() for w in match.group("mods").split())
    if modifiers and not title.startswith(modifiers):
        title = f"{modifiers} {title}"  # "Deputy Foreign Minister"; "Vice President" stays as it is
    return forms, title, speaks_for, party


def _party_words(text: str, parties: PartyNames, taken: list[tuple[int, int]]) -> tuple[list, list]:
    """Parties named in the phrase, with where they stand, and the capitalised words left over (names) with
    where they start."""
    hits: list[tuple[int, str]] = []
    names: list[tuple[int, str]] = []
    for run in CAPITALISED.finditer(text):
        for start, words in _split(run.start(), run.group(), taken):
            whole = words.removesuffix("’s").removesuffix("'s")
            party = parties.named(whole) or parties.metonym(whole)
            if party:
                hits.append((start, party))
                continue
            found = _inside(whole, parties)
            if found:
                hits.append((start, found))
            names.extend((start, w) for w in whole.split() if w.casefold() not in NOT_A_NAME and not parties.named(w))
    hits.sort()
    return hits, names


def _split(offset: int, run: str, taken: list[tuple[int, int]]):
    """A capitalised run cut where posts and bodies stand: "White House Press Secretary Robert Gibbs"
    gives "White House" and "Robert Gibbs"."""
    start = offset
    pieces = []
    for a, b in sorted(taken):
        if a >= offset + len(run) or b <= offset:
            continue
        pieces.append((start, run[start - offset : max(start, a) - offset]))
        start = max(start, b)
    pieces.append((start, run[start - offset :]))
    for at, words in pieces:
        stripped = words.strip(" ,")
        if stripped and stripped[0].isupper():
            yield at + words.index(stripped), stripped


def _inside(words: str, parties: PartyNames) -> str:
    """A party named inside longer capitalised words by an adjective or acronym ("Former Soviet", "U.S.
    Army"); not by a country's name, which is then part of another name ("New Jersey", "Jordan Smith")."""
    tokens = words.split()
    table = country_table()
    for size in range(len(tokens) - 1, 0, -1):
        for i in range(len(tokens) - size + 1):
            piece = " ".join(tokens[i : i + size])
            party = parties.named(piece)
            if party and (piece.isupper() or not (table.country(piece) or piece == party)):
                return party
    return ""


def _kind(text: str, posts: list, bodies: list, names: list[tuple[int, str]]) -> str:
    head = re.split(r"[,(;:]", text, maxsplit=1)[0].strip()
    words = [w.casefold().strip(".’'") for w in re.findall(r"[\w.’'-]+", head)]
    if set(words) & CROWDS:
        return "crowd"  # "Western diplomats", "Officials", "Iranian officials familiar with the talks"
    # "a senior official", "a Moscow State University professor": one nobody names (no name after the post).
    post_end = posts[0][1] if posts else 0
    if ANONYMOUS.match(head) and not any(post_end <= at < len(head) for at, _w in names):
        return "crowd"
    if words and BODY.fullmatch(words[-1]):
        return "body"  # "the Polish Defence Ministry", "Missile Defense Agency"
    if names or posts or LEGISLATOR.search(text):
        return "person"
    return "body" if bodies else ""


def new_actor(found: Found) -> NewActor | None:
    """The actor to suggest for a statement's speaker nobody entered, with the role its words suggest; None
    for a known actor, a party alone, a description ("the GOP nominee") or a crowd ("Diplomats").

    The role's title is the text's; with a party but no post the title is GENERIC_TITLE for a person and the
    body's own name for a body, since an approved actor with no role would have no party, and extracting
    again would lose the party its statements have now. Curators correct the title before approving.
    """
    speaker = found.speaker
    if speaker.key or not speaker.name or speaker.kind not in ("person", "body"):
        return None
    if describe(speaker.name).kind == "crowd":
        return None  # "Diplomats", "Officials": many people, not one actor
    title = speaker.title
    if not title and speaker.party:
        title = speaker.name if speaker.kind == "body" else GENERIC_TITLE
    return NewActor(
        name=speaker.name,
        kind=speaker.kind,
        party=speaker.party,
        title=title,
        since=found.said_on,
        speaks_for=speaker.speaks_for,
        evidence=found.source or speaker.written or speaker.name,
    )
