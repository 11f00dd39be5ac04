"""PlainJSONRenderer writes DRF's JSONRenderer's bytes: by orjson for plain values, by DRF for anything else."""

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import orjson
import pytest
from rest_framework.exceptions import ErrorDetail
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.serializer_helpers import ReturnDict

from positions.api import renderers
from positions.api.renderers import PlainJSONRenderer

# Every code point but the surrogates, which no str read from PostgreSQL holds.
EVERY_CHARACTER = "".join(map(chr, range(0xD800))) + "".join(map(chr, range(0xE000, 0x110000)))
PLAIN = {
    "text": EVERY_CHARACTER,
    "separators": "\u2028 and \u2029, a line and a paragraph",
    "quotes": ['"', "\\", "’", "\x00\x1f\x7f"],
    "numbers": [0, -1, 2**63 - 1, -(2**63)],
    "flags": [True, False, None],
    "nested": {"": [], "empty": {}, "cells": [{"party": "nato", "statements": 3, "latest_statement": None}]},
}
OTHER = [
    {"day": date(2012, 5, 1), "when": datetime(2012, 5, 1, 12, 30, 0, 123456, tzinfo=UTC)},
    {"field": [ErrorDetail("Not a party to this negotiation: x.", code="invalid")]},
    ReturnDict({"id": 1, "title": "A proposal"}, serializer=None),
    {"share": Decimal("0.25"), "id": uuid.UUID(int=7)},
    {"large": 2**64},
    [1, 2, 3],
    "a string",
]


@pytest.fixture
def written_by_orjson(monkeypatch) -> list:
    calls, original = [], orjson.dumps

    def dumps(data, **kwargs):
        found = original(data, **kwargs)
        calls.append(data)
        return found

    monkeypatch.setattr(renderers.orjson, "dumps", dumps)
    return calls


def test_it_writes_plain_values_by_orjson_as_drf_writes_them(written_by_orjson):
    assert PlainJSONRenderer().render(PLAIN) == JSONRenderer().render(PLAIN)
    assert written_by_orjson == [PLAIN]


@pytest.mark.parametrize("data", OTHER, ids=lambda data: type(data).__name__)
def test_it_writes_anything_else_as_drf_writes_it(data):
    assert PlainJSONRenderer().render(data) == JSONRenderer().render(data)


@pytest.mark.parametrize("media_type", ["application/json; indent=4", "application/json; indent=0"])
def test_an_indent_asked_for_is_drf_s_layout(media_type, written_by_orjson):
    assert PlainJSONRenderer().render(PLAIN, media_type) == JSONRenderer().render(PLAIN, media_type)
    assert written_by_orjson == [] or media_type.endswith("indent=0")


@pytest.mark.parametrize("option", [{"compact": False}, {"ensure_ascii": True}], ids=str)
def test_settings_other_than_drf_s_defaults_are_drf_s_layout(option, written_by_orjson):
    # JSONRenderer reads COMPACT_JSON and UNICODE_JSON into these attributes when its class is made
    ours, drf = type("Ours", (PlainJSONRenderer,), option), type("Drf", (JSONRenderer,), option)
    assert ours().render(PLAIN) == drf().render(PLAIN)
    assert written_by_orjson == []
