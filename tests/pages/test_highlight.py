"""The document text with its statements marked: escaped, well formed, whatever the spans."""

from types import SimpleNamespace

from lxml import html

from positions.pages.highlight import highlighted_text


def st(id, start, end, kind="assessment", speaker="Ann", party="NATO", review_state="approved"):
    return SimpleNamespace(
        id=id,
        start=start,
        end=end,
        kind=kind,
        review_state=review_state,
        speaker=SimpleNamespace(name=speaker) if speaker else None,
        party=SimpleNamespace(name=party) if party else None,
    )


def marks(markup: str) -> dict[str, str]:
    tree = html.fragment_fromstring(f"<div>{markup}</div>")
    return {m.get("id"): m for m in tree.iter("mark")}


def test_it_marks_each_statement_with_its_speaker_and_kind():
    text = "Intro. He said: we agree. Then more."
    out = str(highlighted_text(text, [st(7, 16, 25, kind="acceptance")]))
    found = marks(out)
    assert list(found) == ["s7"]
    assert found["s7"].find("span").text == "Ann (NATO) · acceptance"
    assert found["s7"].text_content().endswith("we agree.")
    assert out.startswith("Intro. He said: <mark")
    assert out.endswith("</mark> Then more.")


def test_it_escapes_the_text_and_the_labels():
    text = '<script>alert("x")</script> & <b>bold</b>'
    out = str(highlighted_text(text, [st(1, 0, 8, speaker="<img src=x onerror=alert(1)>")]))
    assert "<script>" not in out and "<img" not in out and "<b>" not in out
    assert "&lt;script&gt;" in out and "&amp;" in out and "&lt;img src=x" in out


def test_it_nests_contained_spans_and_cuts_crossing_ones():
    text = "0123456789abcdefghij"
    spans = [st(1, 0, 10), st(2, 2, 5), st(3, 2, 5, speaker="Bo"), st(4, 8, 15), st(5, 16, 18)]
    out = str(highlighted_text(text, spans))
    assert out.count("<mark") == out.count("</mark>") == 5
    found = marks(out)
    assert set(found) == {"s1", "s2", "s3", "s4", "s5"}
    # s4 crosses the end of s1: it is cut there, and the rest of the text stays as it was.
    assert found["s4"].text_content().endswith("89")
    plain = html.fragment_fromstring(f"<div>{out}</div>")
    for label in plain.xpath("//span[@class='label']"):
        label.drop_tree()
    assert plain.text_content().replace(" ", "") == text


def test_it_leaves_out_spans_outside_the_text():
    out = str(highlighted_text("short", [st(1, 10, 20), st(2, 0, 5)]))
    assert list(marks(out)) == ["s2"]


def test_it_labels_unreviewed_and_unattributed_statements():
    out = str(highlighted_text("abc", [st(1, 0, 3, speaker=None, party=None, review_state="pending")]))
    assert "unattributed · assessment · unreviewed" in out
