"""Pages and their CSV files are throttled per reader, with a friendly 429 page (positions/pages/throttle.py)."""

import pytest
from rest_framework.throttling import SimpleRateThrottle

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rates(monkeypatch):
    rates = {"anon": "100/minute", "user": "100/minute", "pages": "3/minute", "pages_csv": "2/minute"}
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)


def test_it_answers_a_reader_over_the_page_rate_with_a_friendly_429(client, low_rates):
    assert [client.get("/").status_code for _ in range(3)] == [200] * 3

    response = client.get("/search/")

    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    assert "Too many requests" in text and f"wait <strong>{response['Retry-After']} second" in text


def test_csv_files_have_a_lower_rate_of_their_own(client, low_rates):
    assert [client.get("/search.csv").status_code for _ in range(2)] == [200] * 2

    response = client.get("/search.csv")

    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert client.get("/").status_code == 200  # the pages' own count is untouched


def test_each_reader_counts_on_its_own(client, low_rates):
    for _ in range(3):
        client.get("/", REMOTE_ADDR="192.0.2.1")
    assert client.get("/", REMOTE_ADDR="192.0.2.1").status_code == 429
    assert client.get("/", REMOTE_ADDR="192.0.2.2").status_code == 200


def test_the_api_is_not_counted_as_pages(client, low_rates):
    for _ in range(4):
        assert client.get("/api/v1/negotiations").status_code == 200
    assert client.get("/").status_code == 200
