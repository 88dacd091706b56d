"""The browser suite: Playwright driving Debian's Chromium (installed by ./scripts/test) against a live
server on the test database. Screenshots of every step go to var/screenshots/ (kept by CI)."""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Playwright's sync API runs an event loop in this thread; Django's ORM calls in the test body are
# still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    for item in items:
        if "tests/browser/" in str(item.fspath):
            if os.environ.get("CI"):
                item.add_marker(
                    pytest.mark.xfail(reason="Chromium missing", strict=True, run=False)
                )
            else:
                item.add_marker(pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}"))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ["--no-sandbox"]}


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


class Session:
    """One user in one browser context: logs in, moves around, records JavaScript errors and shots."""

    def __init__(self, browser, live_server, name: str, viewport: dict):
        self.context = browser.new_context(viewport=viewport, locale="zh-CN")
        self.page = self.context.new_page()
        self.base = live_server.url
        self.name = name
        self.errors: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.count = 0

    def go(self, path: str):
        response = self.page.goto(self.base + path)
        assert response is not None and response.status < 500, (path, response and response.status)
        return response

    def login(self, username: str, password: str = "pw-test-123"):
        self.go("/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("button[type=submit]")
        self.page.wait_for_load_state()

    def shot(self, step: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.count += 1
        self.page.screenshot(
            path=SHOTS / f"{self.name}-{self.count:02d}-{step}.png", full_page=True
        )

    def close(self) -> None:
        self.context.close()
        # A favicon or a static file that 404s is a console error: every page must be clean.
        assert not self.errors, self.errors


@pytest.fixture
def session(browser, live_server):
    opened = []

    def make(name: str, *, phone: bool = False) -> Session:
        s = Session(browser, live_server, name, PHONE if phone else DESKTOP)
        opened.append(s)
        return s

    yield make
    for s in opened:
        s.close()
