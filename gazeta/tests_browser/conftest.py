"""One Chromium for the whole session (per xdist worker), launched from Debian's package.

Playwright's own browser downloads are never used: the tests skip when the system
Chromium is missing instead of fetching one."""

from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling home on a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORTS = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1366, "height": 900},
}


@pytest.fixture(scope="session")
def browser(playwright, browser_type_launch_args):
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    browser = playwright.chromium.launch(
        **browser_type_launch_args, executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture(params=list(VIEWPORTS), ids=list(VIEWPORTS))
def viewport_name(request):
    return request.param


@pytest.fixture
def page(browser, viewport_name):
    context = browser.new_context(
        viewport=VIEWPORTS[viewport_name], locale="ro-RO", timezone_id="Europe/Bucharest"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshot_dir():
    path = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path
