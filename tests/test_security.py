"""Deployment safety: settings by environment, headers, lockout, redirects, error pages, health."""

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests import factories

ROOT = Path(__file__).resolve().parent.parent


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        stdin=subprocess.DEVNULL,
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_debug_is_off_unless_turned_on():
    code = "from django.conf import settings; print(settings.DEBUG)"
    off = run_manage("shell", "-c", code, DJANGO_SETTINGS_MODULE="govern.settings.base")
    assert off.stdout.strip().splitlines()[-1] == "False"
    on = run_manage(
        "shell", "-c", code, DJANGO_SETTINGS_MODULE="govern.settings.base", DEBUG="true"
    )
    assert on.stdout.strip().splitlines()[-1] == "True"


def test_production_refuses_to_start_without_a_secret_and_cannot_turn_debug_on():
    missing = run_manage(
        "check", DJANGO_SETTINGS_MODULE="govern.settings.production", ALLOWED_HOSTS="x"
    )
    assert missing.returncode != 0 and "SECRET_KEY must be set" in missing.stderr
    code = "from django.conf import settings; print(settings.DEBUG, settings.SESSION_COOKIE_SECURE)"
    result = run_manage(
        "shell",
        "-c",
        code,
        DJANGO_SETTINGS_MODULE="govern.settings.production",
        SECRET_KEY="p" * 60,
        ALLOWED_HOSTS="govern.example",
        DEBUG="true",
    )
    assert result.stdout.strip().splitlines()[-1] == "False True", result.stderr


def test_the_deploy_check_passes_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SETTINGS_MODULE="govern.settings.production",
        SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        ALLOWED_HOSTS="govern.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.django_db
def test_pages_carry_security_headers(client, inspector):
    client.force_login(inspector)
    response = client.get(reverse("enterprises:list"))
    csp = response["Content-Security-Policy"]
    assert (
        "script-src 'self'" in csp
        and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "onchange=" not in response.content.decode()  # no inline handlers for the CSP to block


@pytest.mark.django_db
def test_too_many_wrong_passwords_lock_the_login_even_for_the_right_one(client):
    factories.inspector_user(username="lin", password="correct-horse-battery")
    url = reverse("login")
    for _ in range(4):
        response = client.post(url, {"username": "lin", "password": "wrong-password"})
        assert response.status_code == 200  # the form again, with its error
    fifth = client.post(url, {"username": "lin", "password": "wrong-password"})
    assert fifth.status_code == 429  # the fifth wrong password locks
    locked = client.post(url, {"username": "lin", "password": "correct-horse-battery"})
    assert locked.status_code == 429
    assert "15" in locked.content.decode() and "锁定" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_a_right_password_after_a_few_mistakes_logs_in(client):
    factories.inspector_user(username="lin", password="correct-horse-battery")
    for _ in range(3):
        client.post(reverse("login"), {"username": "lin", "password": "nope"})
    response = client.post(
        reverse("login"), {"username": "lin", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302 and "_auth_user_id" in client.session


@pytest.mark.django_db
@pytest.mark.parametrize(
    "target",
    ["/\t/evil.example", "//evil.example", "https://evil.example/", "/\\evil.example", "/%09/x\n"],
)
def test_form_redirects_stay_on_the_site(client, inspector, target):
    client.force_login(inspector)
    response = client.post(reverse("notifications-read"), {"next": target})
    assert response.status_code == 302
    assert response["Location"] == reverse("notifications")


@pytest.mark.django_db
def test_login_next_with_a_tab_does_not_leave_the_site(client):
    factories.inspector_user(username="lin", password="correct-horse-battery")
    response = client.post(
        reverse("login") + "?next=/%09/evil.example",
        {"username": "lin", "password": "correct-horse-battery", "next": "/\t/evil.example"},
    )
    assert response.status_code == 302
    assert "evil" not in response["Location"]


@pytest.mark.django_db
def test_error_pages_are_in_chinese_and_say_what_to_do(client, enterprise_account, settings):
    settings.DEBUG = False
    client.force_login(enterprise_account)
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and "页面不存在" in missing.content.decode()
    forbidden = client.get(reverse("dashboard:home"))
    assert forbidden.status_code == 403 and "管理员" in forbidden.content.decode()


@pytest.mark.django_db
def test_an_expired_form_says_so_in_chinese(inspector):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(inspector)
    response = client.post(reverse("notifications-read"), {})
    assert response.status_code == 403 and "页面已过期" in response.content.decode()


@pytest.mark.django_db
def test_the_health_check_reports_database_broker_and_storage(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = client.get("/health/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok" and body["checks"]["storage"] == "ok"


@pytest.mark.django_db
def test_the_health_check_fails_when_the_broker_is_down(client, settings, tmp_path):
    from govern.celery import app

    settings.MEDIA_ROOT = tmp_path
    settings.CELERY_TASK_ALWAYS_EAGER = False
    old = app.conf.broker_write_url
    app.conf.broker_write_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/health/")
    finally:
        app.conf.broker_write_url = old
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "fail"


@pytest.mark.django_db
def test_api_tokens_expire_and_can_be_revoked(client, settings):
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    inspector = factories.inspector_user(username="lin")
    token = Token.objects.create(user=inspector)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    assert client.get("/api/enterprises/", **auth).status_code == 200
    Token.objects.filter(pk=token.pk).update(
        created=timezone.now() - timedelta(days=settings.GOVERN_API_TOKEN_DAYS + 1)
    )
    expired = client.get("/api/enterprises/", **auth)
    assert expired.status_code == 401 and "过期" in expired.json()["detail"]
    out = io.StringIO()
    call_command("api_tokens", issue="lin", stdout=out)
    fresh = out.getvalue().strip()
    assert client.get("/api/enterprises/", HTTP_AUTHORIZATION=f"Token {fresh}").status_code == 200
    call_command("api_tokens", revoke="lin", stdout=io.StringIO())
    revoked = client.get("/api/enterprises/", HTTP_AUTHORIZATION=f"Token {fresh}")
    assert revoked.status_code == 401


@pytest.mark.django_db
def test_the_admin_revokes_tokens(client):
    from rest_framework.authtoken.models import Token

    admin = factories.UserFactory(is_staff=True, is_superuser=True)
    token = Token.objects.create(user=factories.inspector_user())
    client.force_login(admin)
    response = client.post(
        "/admin/authtoken/tokenproxy/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    assert not Token.objects.filter(pk=token.pk).exists()
