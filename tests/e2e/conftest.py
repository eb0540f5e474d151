"""End-to-end fixtures: the app on a real server thread, driven by Debian's Chromium as a phone.

The server is one per session, with its own SQLite file built by the real migrations and seeded
with the shipped registry and bank. Tests reach the same database from this thread (through
`live`) to build rounds and people and to check what the browser left saved.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from e2e_support import ROOT, LiveApp, seed, watch
from flask_migrate import upgrade
from playwright.sync_api import BrowserContext, Page
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
REQUIRE_E2E = os.environ.get("QUIZAPP_TEST_REQUIRE_E2E") == "1"
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
PHONE = {"width": 360, "height": 740}
# Without the background-networking flags Chromium keeps calling hosts this network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DEFAULT_TIMEOUT_MS = 10_000


@pytest.fixture(scope="session", autouse=True)
def _chromium_present() -> None:
    """Skip without Debian's Chromium; CI sets QUIZAPP_TEST_REQUIRE_E2E=1 to fail instead."""
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing (apt-get install -y chromium)"
    if REQUIRE_E2E:
        pytest.fail(f"QUIZAPP_TEST_REQUIRE_E2E=1 but {message}")
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    """The app served on a free loopback port, seeded, until the session ends."""
    from quizapp import create_app
    from quizapp.extensions import db

    path = tmp_path_factory.mktemp("e2e") / "e2e.sqlite3"
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "RATELIMIT_ENABLED": False})
    with app.app_context():
        upgrade()
    seed(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="e2e-server", daemon=True)
    thread.start()
    yield LiveApp(app, f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def base_url(live: LiveApp) -> str:
    # Replaces pytest-playwright's own fixture, which pytest 9 warns about (an instance method).
    return live.url


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_context_args,
        "viewport": PHONE,
        "is_mobile": True,
        "has_touch": True,
        "locale": "vi-VN",
        "timezone_id": "Asia/Ho_Chi_Minh",
        "accept_downloads": True,
    }


@pytest.fixture
def context(new_context: Callable[..., BrowserContext]) -> BrowserContext:
    ctx = new_context()
    ctx.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return ctx


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    page = context.new_page()
    problems = watch(page)
    yield page
    assert not problems, problems


def _slug(node: pytest.Item) -> str:
    """The test's name for its screenshot folder: its function and its own ids, no browser."""
    name = getattr(node, "originalname", node.name)
    callspec = getattr(node, "callspec", None)
    if callspec is not None:
        browser = str(callspec.params.get("browser_name", ""))
        ident = callspec.id.removeprefix(f"{browser}-").removeprefix(browser)
        name = f"{name}-{ident}" if ident else name
    return re.sub(r"[^\w.-]+", "-", name).strip("-")


@pytest.fixture
def shot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """shot(page, "step") saves test-artifacts/screenshots/<test>/<nn-step>.png."""
    folder = SCREENSHOTS / _slug(request.node)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    counter = itertools.count(1)

    def take(page: Page, step: str) -> Path:
        path = folder / f"{next(counter):02d}-{step}.png"
        page.screenshot(path=path, full_page=True)
        return path

    return take
