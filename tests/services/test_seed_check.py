"""The negotiation file's checks, on plain data: every problem at its place in the file."""

import copy
import json

import pytest

from positions.services.seed_check import seed_problems
from tests.conftest import SEED_FILE
from tests.services.test_seed import EXAMPLE_FILE


@pytest.fixture
def example() -> dict:
    return json.loads(EXAMPLE_FILE.read_text(encoding="utf-8"))


def problems(data) -> list[str]:
    return [str(problem) for problem in seed_problems(data=data)]


def test_it_finds_nothing_wrong_in_the_two_shipped_files(example):
    assert problems(json.loads(SEED_FILE.read_text(encoding="utf-8"))) == []
    assert problems(example) == []


def test_it_names_every_missing_reference(example):
    broken = copy.deepcopy(example)
    broken["negotiation"]["parties"].append("Atlantis")
    broken["issues"][0]["parent"] = "sanctions"  # listed after it
    broken["statements"][0]["document"] = "no-such-document"
    broken["statements"][1]["speaker"] = "Nobody"
    broken["proposals"][0]["issue"] = "oil"
    broken["proposals"][0]["statuses"][0]["evidence"] = ["no-such-statement"]
    assert problems(broken) == [
        "negotiation.parties[5]: unknown party 'Atlantis'",
        "issues[0].parent: unknown parent issue (listed earlier) 'sanctions'",
        "statements[0].document: unknown document 'no-such-document'",
        "statements[1].speaker: unknown actor 'Nobody'",
        "proposals[0].issue: unknown issue 'oil'",
        "proposals[0].statuses[0].evidence[0]: unknown statement 'no-such-statement'",
    ]


def test_it_names_missing_fields_wrong_types_vocabulary_and_duplicates(example):
    broken = copy.deepcopy(example)
    del broken["negotiation"]["title"]
    broken["parties"][1]["aliases"] = "USA"
    broken["actors"][2]["slug"] = broken["actors"][1]["slug"]
    broken["statements"][2]["mode"] = "shouted"
    broken["proposals"][1]["statuses"][0]["status"] = "pending"
    broken["proposals"][1]["stances"][0]["effective"] = "2015-07-14T10:00"
    del broken["documents"]
    assert problems(broken) == [
        "parties[1].aliases: must be a list of strings",
        "negotiation.title: required",
        "actors[2].slug: actor slug 'federica-mogherini' appears twice",
        "documents: required: a list",
        "statements[0].document: unknown document '2015-04-02-eeas-lausanne-joint-statement'",
        "statements[1].document: unknown document '2015-07-14-whitehouse-statement-on-iran'",
        "statements[2].document: unknown document '2015-07-14-vienna-press-conference'",
        "statements[2].mode: 'shouted' is not one of direct, indirect, turn",
        "proposals[1].statuses[0].status: 'pending' is not one of "
        "tabled, under_discussion, accepted, rejected, implemented, withdrawn, stalled, superseded",
        "proposals[1].stances[0].effective: '2015-07-14T10:00' is not a date as YYYY-MM-DD",
    ]


def test_a_file_that_is_not_an_object_is_one_problem():
    assert problems([1, 2]) == ["$: the file must hold one JSON object"]


def test_a_said_on_known_to_the_month_or_year_is_its_first_day(example):
    dated = copy.deepcopy(example)
    dated["statements"][0] |= {"said_on": "2015-04-01", "said_precision": "month"}
    dated["statements"][1] |= {"said_on": "2015-01-01", "said_precision": "year"}
    dated["statements"][2] |= {"said_precision": "approximate"}
    assert problems(dated) == []

    dated["statements"][0] |= {"said_on": "2015-04-02"}
    dated["statements"][1] |= {"said_on": "2015-07-01"}
    dated["statements"][2] |= {"said_precision": "roughly"}
    assert problems(dated) == [
        "statements[0].said_on: 2015-04-02 is known to the month: write the month's first day",
        "statements[1].said_on: 2015-07-01 is known to the year: write 1 January",
        "statements[2].said_precision: 'roughly' is not one of day, month, year, approximate",
    ]


def test_it_checks_the_relations_between_proposals(example):
    first, second = (p["slug"] for p in example["proposals"][:2])
    evidence = example["statements"][0]["key"]
    good = {"from": first, "to": second, "type": "alternative_to", "since": "2015-04-01", "evidence": [evidence]}
    example["relations"] = [good]
    assert problems(example) == []

    example["relations"] = [
        good,
        dict(good),
        {
            "from": first,
            "to": first,
            "type": "rivals",
            "since": "2015-04-15",
            "since_precision": "month",
            "evidence": [],
        },
        {"from": "nowhere", "to": second, "type": "backs", "since": "2015-04-01", "evidence": ["no-such-statement"]},
        {"from": first, "to": second, "type": "backs"},
    ]
    assert problems(example) == [
        f"relations[1]: relation ('{first}', '{second}', 'alternative_to') appears twice",
        "relations[2].to: a proposal cannot bear on itself",
        "relations[2].type: 'rivals' is not one of counter_to, supersedes, conditional_on, backs, alternative_to",
        "relations[2].since: 2015-04-15 is known to the month: write the month's first day",
        "relations[2].evidence: a relation needs at least one statement as evidence",
        "relations[3].from: unknown proposal 'nowhere'",
        "relations[3].evidence[0]: unknown statement 'no-such-statement'",
        "relations[4].since: required: a date as YYYY-MM-DD",
        "relations[4].evidence: required: a list of statement keys",
    ]
