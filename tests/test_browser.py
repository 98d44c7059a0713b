"""The web app in a real browser: Debian's Chromium, driven through its chromedriver.

`occasional serve` runs on a loopback port; Chromium logs in, reads today's
digest, presses "Like" (htmx answers in place), adds a source, and takes a
screenshot. Where Chromium is missing the test is skipped, unless
OCCASIONAL_REQUIRE_BROWSER is set (CI sets it), when it fails instead.
Set OCCASIONAL_SCREENSHOT=path to keep the screenshot (the README's comes
from here).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from occasional.core import Engine
from occasional.serve import Server
from webclient import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1100,1400",
)


def _browser_or_skip() -> None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if not missing:
        return
    message = f"browser tests need Debian's chromium and chromium-driver; missing {missing}"
    if os.environ.get("OCCASIONAL_REQUIRE_BROWSER"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def served(web_engine: Engine) -> Iterator[str]:
    """`occasional serve` on a free loopback port, in a thread; yields its base URL."""
    server = Server(web_engine, host="127.0.0.1", port=0, log=lambda _: None)
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_until_complete, args=(server.run(),), daemon=True)
    thread.start()
    for _ in range(500):
        if server.bound_port is not None or not thread.is_alive():
            break
        threading.Event().wait(0.01)
    assert server.bound_port is not None, "the server did not start"
    yield f"http://127.0.0.1:{server.bound_port}"
    loop.call_soon_threadsafe(server.stopping.set)
    thread.join(timeout=30)
    loop.close()


@pytest.fixture
def chromium(tmp_path: Path) -> Iterator[Any]:
    _browser_or_skip()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    profile = tmp_path / "chromium-profile"
    options.add_argument(f"--user-data-dir={profile}")
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def test_log_in_read_like_add_a_source_and_take_a_screenshot(
    served: str, chromium: Any, web_engine: Engine, news_web: Any, tmp_path: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(chromium, 20)
    chromium.get(served + "/")
    wait.until(ready.presence_of_element_located((By.ID, "password")))
    assert "/login" in chromium.current_url  # nothing without a login
    chromium.find_element(By.ID, "name").send_keys("alice")
    chromium.find_element(By.ID, "password").send_keys(PASSWORD)
    chromium.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait.until(ready.presence_of_element_located((By.CSS_SELECTOR, "article.card")))

    headline = web_engine.storage.digests("default", limit=1)[0].payload["stories"][0]
    cards = chromium.find_elements(By.CSS_SELECTOR, "article.card")
    assert headline["headline"] in cards[0].text
    shot = Path(os.environ.get("OCCASIONAL_SCREENSHOT") or tmp_path / "today.png")
    chromium.save_screenshot(str(shot))
    assert shot.read_bytes().startswith(b"\x89PNG")

    like = cards[0].find_element(By.CSS_SELECTOR, "button[value=like]")
    like.click()
    noted = wait.until(ready.presence_of_element_located((By.CSS_SELECTOR, "p.noted")))
    assert "Noted: like" in noted.text
    assert chromium.current_url.rstrip("/") == served  # answered in place, no new page
    assert [f.kind for f in web_engine.storage.feedback("default")] == ["like"]

    feed = next(o for o in news_web.outlets if o.key == "not-modified").feed_url
    chromium.find_element(By.LINK_TEXT, "Sources").click()
    field = wait.until(ready.presence_of_element_located((By.ID, "url")))
    field.send_keys(feed)
    chromium.find_element(By.ID, "tags").send_keys("ferries")
    field.submit()
    wait.until(ready.text_to_be_present_in_element((By.CSS_SELECTOR, "p.notice"), "Source added"))
    assert any(s.url == feed for s in web_engine.sources())
    chromium.save_screenshot(str(tmp_path / "sources.png"))
    assert (tmp_path / "sources.png").stat().st_size > 10_000
