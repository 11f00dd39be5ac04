"""The settings refuse a bad or missing value with a message that names the variable."""

import os
import subprocess
import sys

import pytest
from django.conf import settings


def start_django(**env_changes: str | None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tracker.settings"}
    for name, value in env_changes.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"SECRET_KEY": None}, "SECRET_KEY is not set"),
        ({"DATABASE_URL": None}, "DATABASE_URL is not set"),
        ({"DATABASE_URL": "mysql://root@127.0.0.1/tracker"}, "DATABASE_URL must point at PostgreSQL"),
        ({"CELERY_BROKER_URL": "kafka://127.0.0.1"}, "CELERY_BROKER_URL='kafka://127.0.0.1'"),
        ({"DB_CONN_MAX_AGE": "-5"}, "DB_CONN_MAX_AGE=-5 is below the minimum"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL='LOUD' must be one of"),
        ({"CACHE_URL": "memcached://127.0.0.1"}, "CACHE_URL='memcached://127.0.0.1'"),
        ({"SIGNIN_FAILURE_LIMIT": "0"}, "SIGNIN_FAILURE_LIMIT=0 is below the minimum"),
        (
            {"CELERY_BROKER_URL": "redis://127.0.0.1:6379/0", "WEBHOOK_RETRY_MAX_SECONDS": "3600"},
            "WEBHOOK_RETRY_MAX_SECONDS=3600 must be shorter than the broker's visibility timeout (3600 s)",
        ),
        ({"WEBHOOK_RETRY_SECONDS": "60", "WEBHOOK_RETRY_MAX_SECONDS": "30"}, "WEBHOOK_RETRY_MAX_SECONDS=30 is below"),
    ],
)
def test_it_refuses_to_start_on_a_bad_value(changes, message):
    result = start_django(**changes)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_it_starts_with_the_values_of_this_run():
    result = start_django()
    assert result.returncode == 0, result.stderr


def deploy_check(**env_changes: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tracker.settings", "DEBUG": "false"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set while browser tests run; never in a deployment
    env.update(SECRET_KEY="k" + "-x7Qz9" * 10, ALLOWED_HOSTS="tracker.example.org", **env_changes)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_production_profile_passes_djangos_deployment_checks():
    result = deploy_check(HTTPS="true", TRUST_X_FORWARDED_PROTO="true")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_without_the_production_profile_the_deployment_checks_fail():
    result = deploy_check(HTTPS="false")
    assert result.returncode != 0
    assert "security.W008" in result.stderr and "security.W012" in result.stderr


def test_gunicorn_accepts_the_production_configuration():
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "-c", "deploy/gunicorn.conf.py", "tracker.wsgi"],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "tracker.settings", "GUNICORN_WORKERS": "3"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
