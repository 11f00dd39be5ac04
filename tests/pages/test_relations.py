"""The related-proposals graph drawn on the server, on plain data (no database)."""

from lxml import etree

from positions.pages.relations import Edge, Node, edges_from, relations_svg

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str):
    return etree.fromstring(svg.encode("utf-8"))


def test_arrows_run_from_the_proposal_that_bears_on_the_other_and_say_how():
    edges = [
        Edge(Node("Two separate systems", "/proposals/2/"), outgoing=False, relation="counter_to", pending=False),
        Edge(Node("Territorial defence", "/proposals/3/"), outgoing=True, relation="counter_to", pending=True),
    ]
    root = parse(relations_svg(title="Joint sectoral system", edges=edges))

    groups = root.findall(f".//{SVG}g[@class='edge edge-counter_to']")
    assert len(groups) == 2
    incoming, outgoing = (g.find(f"{SVG}line") for g in groups)
    # Left to right: the other proposal's box (x 10–230) to the middle one (x 380), then on to the right (x 750).
    assert (float(incoming.get("x1")), float(incoming.get("x2"))) == (230, 380)
    assert (float(outgoing.get("x1")), float(outgoing.get("x2"))) == (600, 750)
    assert [g.find(f"{SVG}text").text for g in groups] == ["counters", "counters (unreviewed)"]
    assert incoming.get("stroke-dasharray") is None and outgoing.get("stroke-dasharray") == "5 3"
    links = [a.get("href") for a in root.findall(f"{SVG}a")]
    assert links == ["/proposals/2/", "/proposals/3/"]
    description = root.find(f"{SVG}desc").text
    assert "Two separate systems counters Joint sectoral system" in description
    assert "Joint sectoral system counters Territorial defence (unreviewed)" in description


def test_text_from_outside_is_escaped_and_a_long_title_is_cut_with_its_whole_in_the_tooltip():
    title = "<script>alert(1)</script> " + "very long words " * 10
    svg = relations_svg(title="A & B", edges=[Edge(Node(title, "/p/1/"), True, "backs", False)])
    assert "<script>" not in svg
    root = parse(svg)  # well-formed: every name went through the escaping
    box = root.find(f"{SVG}a/{SVG}g")
    assert box.find(f"{SVG}title").text == title
    lines = [t.text for t in box.findall(f"{SVG}text/{SVG}tspan")]
    assert len(lines) == 3 and lines[-1].endswith("…")


def test_edges_come_from_the_selectors_relations():
    relation = {
        "direction": "incoming",
        "type": "backs",
        "review_state": "pending",
        "proposal": {"id": 7, "title": "Iskander in Kaliningrad"},
    }
    [edge] = edges_from([relation], lambda pk: f"/proposals/{pk}/")
    assert edge == Edge(Node("Iskander in Kaliningrad", "/proposals/7/"), False, "backs", True)
