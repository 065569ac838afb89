"""Take the README's screenshot: the demo workshop's mosaic in Debian's Chromium.

    python scripts/screenshot.py [PATH] [--path /w/regionales-2028/mosaic/]

Starts a throwaway server with the demo loaded (as the tests do), opens the page at 1280×800
and saves what the window shows (default docs/screenshot.png).
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM
from tests.support.server import REPO, start_server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", nargs="?", default=str(REPO / "docs" / "screenshot.png"))
    parser.add_argument("--path", default="/w/regionales-2028/mosaic/", help="the page to show")
    parser.add_argument("--lang", default="fr", choices=["fr", "en"])
    args = parser.parse_args()
    server = start_server(demo=True)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1280, "height": 800}, locale=args.lang)
            page.context.add_cookies(
                [{"name": "django_language", "value": args.lang, "url": server.url}]
            )
            page.goto(server.url + args.path, wait_until="networkidle")
            page.screenshot(path=args.output)
            browser.close()
    finally:
        server.stop()
    print(args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
