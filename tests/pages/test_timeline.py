"""The proposal timeline's SVG: periods by the as-of rule, words beside colours, everything escaped."""

from datetime import UTC, date, datetime

from lxml import etree

from positions.pages.timeline import Mark, periods, timeline_svg

T0 = datetime(2020, 1, 1, tzinfo=UTC)
T1 = datetime(2020, 2, 1, tzinfo=UTC)


def event(day, value, *, type="stance", party=None, review="approved", recorded=T0, id=1):
    return {
        "id": id,
        "date": day,
        "type": type,
        "party": party,
        "value": value,
        "review_state": review,
        "recorded_at": recorded,
    }


NATO = {"id": 1, "slug": "nato", "name": "NATO"}
RUSSIA = {"id": 2, "slug": "russia", "name": "Russia <&>"}


def test_it_follows_the_as_of_rule_on_a_day_with_two_rows():
    rows = [
        event(date(2011, 1, 1), "supports"),
        event(date(2011, 6, 1), "opposes", review="pending", recorded=T1, id=2),
        event(date(2011, 6, 1), "conditional", recorded=T0, id=3),  # approved wins over pending
        event(date(2012, 1, 1), "conditional", id=4),  # same value: the period goes on
    ]
    out = periods(rows, until=date(2013, 1, 1))
    assert [(p.start, p.end, p.value) for p in out] == [
        (date(2011, 1, 1), date(2011, 6, 1), "supports"),
        (date(2011, 6, 1), date(2013, 1, 1), "conditional"),
    ]


def test_it_draws_labelled_bands_and_linked_marks():
    events = [
        event(date(2011, 1, 1), "tabled", type="status"),
        event(date(2011, 1, 1), "supports", party=NATO),
        event(date(2011, 7, 1), "opposes", party=RUSSIA, review="pending"),
    ]
    marks = [Mark(date(2011, 7, 1), "/documents/3/#s9", "2011-07-01 <Lavrov>: “no”")]
    svg = str(
        timeline_svg(
            title="Plan <x>",
            events=events,
            parties=[NATO, RUSSIA],
            marks=marks,
            start=date(2011, 1, 1),
            end=date(2012, 12, 31),
        )
    )
    tree = etree.fromstring(svg.encode())  # well-formed XML: nothing from the data broke out
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert tree.get("role") == "img"
    assert tree.find("s:title", ns).text == "Timeline: Plan <x>"
    titles = [t.text for t in tree.iterfind(".//s:g/s:rect/s:title", ns)]
    assert "Status: tabled from 2011-01-01 to 2012-12-31" in titles
    assert "NATO: supports from 2011-01-01 to 2012-12-31" in titles
    assert "Russia <&>: opposes (unreviewed) from 2011-07-01 to 2012-12-31" in titles
    links = tree.findall(".//s:a", ns)
    assert [a.get("href") for a in links] == ["/documents/3/#s9"]
    assert links[0].find(".//s:title", ns).text == "2011-07-01 <Lavrov>: “no”"
    # The words are drawn in the wide bands, not only in tooltips.
    assert {"tabled", "supports"} <= {t.text for t in tree.iterfind(".//s:g/s:text", ns)}
