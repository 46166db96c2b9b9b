"""The real app on the mini index: in process (TestClient) and on a real uvicorn server on loopback."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from playwright.sync_api import Page, sync_playwright

from api.app import create_app
from core.settings import Settings


@pytest.fixture(scope="session")
def api_settings(mini_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return mini_settings.model_copy(update={"state_dir": tmp_path_factory.mktemp("api-state")})


@pytest.fixture(scope="session")
def client(api_settings: Settings, embedder) -> Iterator[TestClient]:
    with TestClient(create_app(api_settings, embedder)) as client:
        yield client


@pytest.fixture()
def fresh_client(api_settings: Settings, embedder, tmp_path: Path) -> Iterator[TestClient]:
    """The app with review and conversation state of its own (the index is the shared mini one)."""
    settings = api_settings.model_copy(update={"state_dir": tmp_path / "state"})
    with TestClient(create_app(settings, embedder)) as client:
        yield client


@pytest.fixture()
def bearer(fresh_client: TestClient):
    """Headers carrying a new token for a name in a role, on the fresh client."""
    return lambda name, role: {"Authorization": f"Bearer {fresh_client.app.state.tokens.create(name, role)}"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def medcite_serve(settings: Settings, port: int, *options: str) -> subprocess.Popen:
    """The real CLI's `medcite serve` on `settings`' corpus, index and state, as `make run` starts it, in a process of
    its own (stderr kept for a failure's message)."""
    env = {
        **os.environ,
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "MEDCITE_CACHE_DIR": str(settings.cache_dir),
        "MEDCITE_STATE_DIR": str(settings.state_dir),
    }
    command = [sys.executable, "-c", "from medcite.cli import main; main()"]
    command += [
        "--data-dir",
        str(settings.data_dir),
        "--index-dir",
        str(settings.index_dir),
        "--manifest",
        str(settings.manifest),
    ]
    command += ["serve", *options, "--port", str(port)]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


@contextmanager
def serve(app) -> Iterator[str]:  # noqa: ANN001 - any ASGI app
    """A real uvicorn server for `app` in a thread; yields its base URL."""
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.05)
    else:
        pytest.fail("uvicorn did not start")
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def server(api_settings: Settings, embedder) -> Iterator[str]:
    with serve(create_app(api_settings, embedder)) as url:
        yield url


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Chromium's background services try the network; this machine has none.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def page():
    """A real headless Chromium page (Debian's chromium driven by Playwright)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make test` installs Debian's chromium package")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        yield page
        browser.close()


WIDTHS = {390: 844, 1400: 1000}  # a phone's and a desktop's viewport: width → height


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = (
        Path(os.environ["MEDCITE_SCREENSHOTS"]) if os.environ.get("MEDCITE_SCREENSHOTS") else tmp_path_factory.mktemp("screens")
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(params=sorted(WIDTHS), ids=lambda w: f"{w}px")
def sized(page: Page, request: pytest.FixtureRequest):
    width = request.param
    context = page.context.browser.new_context(viewport={"width": width, "height": WIDTHS[width]})
    yield context.new_page(), width
    context.close()
