"""Debian's Chromium for Playwright: where it is and the flags it needs on this closed network.

Nothing here downloads a browser. Tests, e2e tests and benchmarks import these one definitions.
"""

import os

CHROMIUM = os.environ.get("PSOAS_CHROMIUM", "/usr/bin/chromium")
# Without the background-networking flags Chromium keeps dialling out, and is refused, here.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
