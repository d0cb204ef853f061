"""Headless Chromium driven over the DevTools protocol: open a Prefect UI page, click a tab, wait
for some text, take a screenshot. (Chromium's one-shot ``--screenshot`` cannot click: the flow run
page only shows its Artifacts tab once the run has loaded, so ``?tab=Artifacts`` is not enough.)
``open_page`` gives the page itself, with the protocol's events kept (``Page.events``) for a test
that watches the network."""

from __future__ import annotations

import base64
import json
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from websockets.sync.client import connect

from integration.procs import Proc, base_env, wait_for

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--remote-debugging-port=0",
)


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Page:
    def __init__(self, ws_url: str) -> None:
        self.ws = connect(ws_url, max_size=64 * 1024 * 1024, open_timeout=30)
        self.next_id = 0
        # Events of the domains a caller enabled (Network.enable, ...), in arrival order.
        self.events: list[dict[str, Any]] = []

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv(timeout=60))
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self.events.append(msg)

    def drain(self, quiet_s: float = 0.5) -> None:
        """Keep the events that arrive until none has for ``quiet_s``."""
        while True:
            try:
                msg = json.loads(self.ws.recv(timeout=quiet_s))
            except TimeoutError:
                return
            if "method" in msg:
                self.events.append(msg)

    def js(self, expression: str) -> Any:
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True)[
            "result"
        ].get("value")


def capture(
    url: str,
    shot: Path,
    profile: Path,
    click_id: str | None = None,
    wait_text: tuple[str, ...] = (),
    width: int = 1400,
    height: int = 1100,
    timeout_s: float = 90,
) -> str:
    """Open ``url``, click the element ``click_id`` once it exists, wait until the page shows every
    ``wait_text``, save a PNG to ``shot``; returns the page's text."""
    with open_page(profile, width, height) as page:
        page.call("Page.navigate", url=url)
        if click_id:
            wait_for(
                lambda: page.js(f"!!document.getElementById('{click_id}')"),
                timeout_s,
                f"#{click_id} on {url}",
            )
            page.js(f"document.getElementById('{click_id}').click()")
        text = ""

        def shows_all() -> bool:
            nonlocal text
            text = page.js("document.body ? document.body.innerText : ''") or ""
            return all(t in text for t in wait_text)

        wait_for(shows_all, timeout_s, f"{wait_text} on {url}")
        time.sleep(1.0)  # let the last cards finish rendering
        data = page.call("Page.captureScreenshot", format="png")["data"]
        shot.write_bytes(base64.b64decode(data))
        return text


@contextmanager
def open_page(profile: Path, width: int = 1400, height: int = 1100) -> Iterator[Page]:
    """Headless Chromium with a new profile folder, its first tab as a ``Page`` sized
    ``width`` x ``height``; the browser is stopped on leaving."""
    browser = chromium()
    assert browser, "chromium is not installed"
    profile.mkdir(parents=True, exist_ok=True)
    proc = Proc(
        [browser, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
        profile.parent / "chromium.log",
        base_env(),
    )
    try:
        port_file = profile / "DevToolsActivePort"
        wait_for(port_file.exists, 60, "Chromium's DevTools port", proc=proc)
        port = port_file.read_text().split()[0]
        targets = wait_for(
            lambda: [
                t
                for t in httpx.get(f"http://127.0.0.1:{port}/json/list").json()
                if t["type"] == "page"
            ],
            30,
            "a page target",
        )
        page = Page(targets[0]["webSocketDebuggerUrl"])  # type: ignore[index]
        page.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        try:
            yield page
        finally:
            page.ws.close()
    finally:
        proc.stop(grace_s=5)
