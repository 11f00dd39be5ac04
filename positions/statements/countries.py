"""States by their common English short name, with the adjectives, other names and capitals a text names
them by: one table, built once per process from the data of the countryinfo package.

countryinfo (PyPI, MIT licence, © 2018 Porimol Chandro) ships one file per country with its name, demonym,
alternative spellings and capital. pycountry has the ISO 3166 names ("Iran, Islamic Republic of") but
no adjectives and no capitals, and those are what news and transcripts name a speaker's country with.
Where countryinfo's name is not the short name a reader expects, COMMON_NAMES gives it; parties that are
not states (NATO, the European Union) are in NON_STATES. A lexicon's own parties win over this table:
the Gazetteer (attribution.py) maps a country to the party of the same name, alias or metonym.
"""

import functools
import re
from dataclasses import dataclass

from countryinfo import CountryInfo

# countryinfo's name -> the common English short name (DESIGN.md: "other states by their common English
# short name"). The ISO-style names are here too, should a release of the data use them.
COMMON_NAMES = {
    "Russian Federation": "Russia",
    "Iran, Islamic Republic of": "Iran",
    "Korea, Republic of": "South Korea",
    "Korea, Democratic People's Republic of": "North Korea",
    "Syrian Arab Republic": "Syria",
    "Viet Nam": "Vietnam",
    "United States of America": "United States",
    "United Kingdom of Great Britain and Northern Ireland": "United Kingdom",
    "Palestine, State of": "Palestine",
    "Republic of Macedonia": "North Macedonia",
    "Swaziland": "Eswatini",
    "Federated States of Micronesia": "Micronesia",
    "Vatican City State": "Vatican City",
    "The Bahamas": "Bahamas",
    "The Gambia": "Gambia",
    "Virgin Islands, British": "British Virgin Islands",
    "Virgin Islands, U.S.": "U.S. Virgin Islands",
}
LEFT_OUT = {"Antilles néerlandaises"}  # dissolved in 2010; its code is no longer a country's
# Adjectives texts use that countryinfo's demonym is not ("Icelander" is a person, "Icelandic" an adjective).
MORE_ADJECTIVES = {
    "Russia": ("Soviet",),
    "Iceland": ("Icelandic",),
    "Slovenia": ("Slovenian",),
    "Kazakhstan": ("Kazakh",),
    "Kyrgyzstan": ("Kyrgyz",),
    "Tajikistan": ("Tajik",),
    "Uzbekistan": ("Uzbek",),
    "Saudi Arabia": ("Saudi",),
    "Argentina": ("Argentine",),
}
# One-word other names a text uses. The data's other one-word names are native ones ("Norge", "Suomi")
# or English words ("Island" for Iceland, "Mann" for the Isle of Man), so only these are taken.
MORE_NAMES = {
    "Czech Republic": ("Czechia",),
    "Netherlands": ("Holland",),
    "Myanmar": ("Burma",),
    "Turkey": ("Türkiye",),
}
# ISO codes written as names; other codes ("IN", "IT", "NO") are English words.
CODES_AS_NAMES = {"US", "USA"}
# Seats of government that stand for a state, as its capital does ("the Kremlin said").
SEATS = {"Russia": ("Kremlin", "the Kremlin"), "United States": ("White House", "the White House")}
# A capital speaks for a state of some size only: "Stanley" or "Hamilton" said is a person, not the
# Falkland Islands or Bermuda.
METONYM_MIN_POPULATION = 1_000_000
# Parties that are not states, with the words that name them ("the Alliance", "Allied ministers").
NON_STATES = {
    "NATO": "NATO",
    "Alliance": "NATO",
    "Allied": "NATO",
    "European Union": "European Union",
    "European": "European Union",
    "EU": "European Union",
}


@dataclass(frozen=True)
class Country:
    name: str  # common English short name: "Iran"
    adjectives: tuple[str, ...] = ()  # "Iranian"
    names: tuple[str, ...] = ()  # other names and acronyms: "Islamic Republic of Iran", "U.S."
    metonyms: tuple[str, ...] = ()  # its capital and seat of government, when a text makes them speak
    population: int = 0


class CountryTable:
    """Words to the common short names of states (and the names of NATO and the EU)."""

    def __init__(self, countries: tuple[Country, ...]):
        self.countries = {c.name: c for c in countries}
        # A word two countries claim ("American": the United States and the Northern Mariana Islands;
        # "Congolese") goes to the more populous one.
        ranked = sorted(countries, key=lambda c: c.population, reverse=True)
        self.by_name: dict[str, str] = {}
        for country in ranked:
            self.by_name.setdefault(country.name, country.name)
            for name in country.names:
                self.by_name.setdefault(name, country.name)
        self.by_adjective: dict[str, str] = {}
        for country in ranked:
            for adjective in country.adjectives:
                self.by_adjective.setdefault(adjective, country.name)
        self.by_metonym: dict[str, str] = {}
        for country in ranked:
            for metonym in country.metonyms:
                self.by_metonym.setdefault(metonym, country.name)

    def country(self, name: str) -> str:
        """The country a name or other name stands for ("Islamic Republic of Iran" -> "Iran"), or ""."""
        return self.by_name.get(name, "")

    def named(self, words: str) -> str:
        """The state (or NATO, the EU) a name, adjective or acronym stands for ("Iranian", "U.S."), or ""."""
        words = _plain(words)
        return NON_STATES.get(words) or self.by_name.get(words) or self.by_adjective.get(words, "")

    def metonym(self, words: str) -> str:
        """The state a capital or seat of government stands for ("Tehran", "the Kremlin"), or ""."""
        return self.by_metonym.get(_plain(words), "")

    def words(self) -> dict[str, str]:
        """Every name, other name and adjective with its country (metonyms apart): what a text is scanned for."""
        return {**self.by_adjective, **self.by_name, **NON_STATES}

    def adjective(self, country: str) -> str:
        """The adjective of a country ("Poland" -> "Polish"), or its name when it has none."""
        found = self.countries.get(country)
        return found.adjectives[0] if found and found.adjectives else country


def _plain(words: str) -> str:
    return re.sub(r"\s+", " ", words).strip().removesuffix("’s").removesuffix("'s")


@functools.cache
def country_table() -> CountryTable:
    """The table, built on first use and kept for the process."""
    return CountryTable(tuple(_countries()))


def _countries():
    entries: dict[str, list[dict]] = {}
    for data in CountryInfo.all().values():
        code = (data.get("ISO") or {}).get("alpha3")
        if code and data["name"] not in LEFT_OUT:
            entries.setdefault(code, []).append(data)
    for code, group in entries.items():
        # Two entries share a code ("Burma" and "Myanmar", "Palestine" and "Palestine, State of"): the one
        # countryinfo resolves the code to, with what it lacks taken from the other.
        owner = CountryInfo(code).name()
        data = {k: v for other in group for k, v in other.items() if v}
        data.update({k: v for other in group if other["name"] == owner for k, v in other.items() if v})
        name = COMMON_NAMES.get(data["name"], data["name"])
        population = data.get("population") or 0
        capitals = _capitals(data.get("capital")) if population >= METONYM_MIN_POPULATION else []
        yield Country(
            name=name,
            adjectives=tuple(_adjectives(data.get("demonym"))) + MORE_ADJECTIVES.get(name, ()),
            names=tuple(_other_names(data, name, code)) + MORE_NAMES.get(name, ()),
            metonyms=(*capitals, *SEATS.get(name, ())),
            population=population,
        )


def _adjectives(demonym: str | None):
    for word in re.split(r"[,/]", demonym or ""):  # "Bosnian,Herzegovinian"
        if word.strip():
            yield word.strip()


def _other_names(data: dict, name: str, code: str):
    codes = {code, (data.get("ISO") or {}).get("alpha2")}
    for spelling in dict.fromkeys([data["name"], *(data.get("altSpellings") or ())]):
        spelling = spelling.strip()
        if spelling == name or "," in spelling or not re.fullmatch(r"[A-Za-z.' -]+", spelling):
            continue  # "Iran, Islamic Republic of" is an index's order, not a text's
        if spelling.isupper() and (spelling not in codes or spelling in CODES_AS_NAMES):
            yield spelling  # "UK", "UAE", "US"
            if len(spelling) <= 3:
                yield ".".join(spelling) + "."  # "U.K.", "U.S.A."
        elif " " in spelling:
            yield spelling  # "Islamic Republic of Iran", "Russian Federation", "Great Britain"


def _capitals(capital) -> list[str]:
    names = capital if isinstance(capital, list) else re.split(r"\s*/\s*", capital or "")
    # "Washington D.C." is "Washington" in a text that makes it speak.
    return [re.sub(r",?\s+D\.C\.$", "", c).strip() for c in names if c and c.strip()]
