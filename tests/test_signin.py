"""Sign-in lock-out (django-axes, tracker/signin.py): too many wrong passwords lock a username."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "a long and right passphrase"


@pytest.fixture
def curator(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # 30 sign-ins, quickly
    return User.objects.create_user("curator", "curator@example.org", password=PASSWORD, is_staff=True)


def sign_in(client, password: str):
    return client.post(reverse("admin:login"), {"username": "curator", "password": password})


def signed_in(client) -> bool:
    return client.get(reverse("admin:index")).status_code == 200


def test_it_locks_a_username_after_the_configured_wrong_passwords(client, curator):
    assert settings.AXES_FAILURE_LIMIT == 30
    for _ in range(29):
        assert sign_in(client, "wrong").status_code == 200  # the form again, with its error
    assert sign_in(client, "wrong").status_code == 429

    response = sign_in(client, PASSWORD)

    assert response.status_code == 429
    assert not signed_in(client)
    text = response.content.decode()
    assert "locked" in text and "Try again after that" in text
    minutes = settings.AXES_COOLOFF_TIME / timedelta(minutes=1)
    assert 0 < int(response["Retry-After"]) <= minutes * 60
    assert f"in about {int(minutes)} minutes" in text


def test_the_right_password_works_again_after_the_cool_off(client, curator):
    for _ in range(30):
        sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 429
    # Travel past the cool-off: the failures happened that long ago.
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - settings.AXES_COOLOFF_TIME)

    response = sign_in(client, PASSWORD)

    assert response.status_code == 302
    assert signed_in(client)


def test_a_right_password_before_the_limit_clears_the_count(client, curator):
    for _ in range(29):
        sign_in(client, "wrong")
    assert sign_in(client, PASSWORD).status_code == 302
    client.logout()

    assert sign_in(client, "wrong").status_code == 200
    assert sum(a.failures_since_start for a in AccessAttempt.objects.all()) == 1
