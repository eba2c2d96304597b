"""How many bytes does a phone download on its first visit?

Starts the real server (`psoas-coach serve --dev` on a free loopback port, fresh XDG_DATA_HOME and
SQLite file, via tests/e2e/servers.py), then loads each page in Debian's Chromium with a brand-new
profile (empty HTTP cache, no service worker yet) and sums the bytes that crossed the network:

  * page load  - the document and every subresource the page itself fetched (CSS, htmx, JS, icons,
                 fetch() calls), from CDP `Network.loadingFinished.encodedDataLength` on the page
                 target: compressed body + response headers, as on the wire.
  * + SW       - plus what the service worker downloaded in that same first visit: its own script
                 (/sw.js, measured with a direct gzip GET, since Chromium fetches it outside the
                 page target) and its install-time precache (the SW target's network events, as
                 Playwright reports them from CDP: responseHeadersSize + responseBodySize).

Pages: `/` (the budgeted one), `/session` with a running session (started through the app's own
POST /session/start, so the live SSE stream is open: its bytes are listed but not summed, since
it never finishes), and `/library`.

Target: first load of `/` (page load) under 60 KB (60,000 bytes) compressed, htmx and CSS included.
Exits 0 within budget, 1 over it, 2 when it cannot run (no Chromium, server did not start).

    python bench/page_weight.py [--budget-kb 60] [--url http://127.0.0.1:8000] [--json FILE]
"""

from __future__ import annotations

import argparse
import http.client
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.chromium import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

BUDGET_KB = 60
ROUTINE_FOR_SESSION = "morning-stretch"
QUIET_SECONDS = 1.5  # no new request for this long: the load (and SW install) is over
SETTLE_TIMEOUT = 20.0


def wait_for_webapp(timeout: float) -> bool:
    """The web app is being finished in parallel: wait until webapp/__init__.py has create_app."""
    deadline = time.monotonic() + timeout
    init = REPO / "webapp" / "__init__.py"
    while True:
        try:
            if re.search(r"^def create_app\(", init.read_text(), re.M):
                return True
        except OSError:
            pass
        if time.monotonic() >= deadline:
            return False
        time.sleep(2)


def _short(url: str, base: str) -> str:
    return url[len(base) :] or "/" if url.startswith(base) else url


def direct_get_bytes(base: str, path: str) -> tuple[int, int, str]:
    """(header bytes, body bytes, content-encoding) of one gzip-accepting GET, as on the wire."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=15)
    try:
        conn.request(
            "GET", path, headers={"Accept-Encoding": "gzip, deflate, br", "Service-Worker": "script"}
        )
        resp = conn.getresponse()
        body = resp.read()
        head = (
            len(f"HTTP/1.1 {resp.status} {resp.reason}\r\n")
            + sum(len(f"{k}: {v}\r\n") for k, v in resp.getheaders())
            + 2
        )
        return head, len(body), resp.getheader("Content-Encoding", "")
    finally:
        conn.close()


class Recorder:
    """Collects the page target's CDP network events and the service worker's Playwright events."""

    def __init__(self, base: str):
        self.base = base
        self.page: dict[str, dict] = {}
        self.sw: list[dict] = []
        self.last_event = time.monotonic()

    # --- page target (CDP)
    def on_request(self, e):
        self.last_event = time.monotonic()
        r = self.page.setdefault(e["requestId"], {"bytes": 0, "streamed": 0, "state": "pending"})
        r.update(url=e["request"]["url"], type=e.get("type", "Other"))

    def on_response(self, e):
        self.last_event = time.monotonic()
        r = self.page.setdefault(e["requestId"], {"bytes": 0, "streamed": 0, "state": "pending"})
        resp = e["response"]
        headers = {k.lower(): v for k, v in resp.get("headers", {}).items()}
        r.update(
            url=resp["url"],
            type=e.get("type", r.get("type", "Other")),
            status=resp.get("status"),
            mime=resp.get("mimeType", ""),
            encoding=headers.get("content-encoding", ""),
            from_cache=bool(
                resp.get("fromDiskCache") or resp.get("fromServiceWorker") or resp.get("fromPrefetchCache")
            ),
        )

    def on_data(self, e):
        self.last_event = time.monotonic()
        r = self.page.get(e["requestId"])
        if r is not None:
            r["streamed"] += e.get("encodedDataLength", 0)

    def on_finished(self, e):
        self.last_event = time.monotonic()
        r = self.page.get(e["requestId"])
        if r is not None:
            r["bytes"] = int(e["encodedDataLength"])
            r["state"] = "finished"

    def on_failed(self, e):
        self.last_event = time.monotonic()
        r = self.page.get(e["requestId"])
        if r is not None:
            r["state"] = "failed"

    # --- service worker target (Playwright context events, which come from CDP on that target)
    def on_context_request(self, _request):
        self.last_event = time.monotonic()

    def on_context_finished(self, request):
        self.last_event = time.monotonic()
        if request.service_worker is None:
            return
        try:
            sizes = request.sizes()
            resp = request.response()
            enc = resp.headers.get("content-encoding", "") if resp else ""
        except Exception:  # noqa: BLE001 - a request whose details went away: count nothing
            sizes, enc = {"responseHeadersSize": 0, "responseBodySize": 0}, ""
        self.sw.append(
            {
                "url": request.url,
                "type": request.resource_type,
                "bytes": max(0, sizes.get("responseHeadersSize", 0))
                + max(0, sizes.get("responseBodySize", 0)),
                "encoding": enc,
                "state": "finished",
            }
        )


def measure(pw, base: str, path: str, *, start_session: bool = False) -> dict:
    profile = tempfile.mkdtemp(prefix="page-weight-profile-")
    try:
        ctx = pw.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True, base_url=base
        )
        try:
            if start_session:
                # Same browser cookies: open a session the way the phone does (safety acknowledged).
                html = ctx.request.get("/safety").text()
                token = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
                done = ctx.request.post(
                    "/session/start",
                    form={"routine_id": ROUTINE_FOR_SESSION, "safety_ack": "yes", "csrf_token": token},
                    max_redirects=0,
                )
                if done.status not in (200, 303):
                    raise RuntimeError(f"POST /session/start answered {done.status}")
            rec = Recorder(base)
            ctx.on("request", rec.on_context_request)
            ctx.on("requestfinished", rec.on_context_finished)
            page = ctx.pages[0] if ctx.pages else ctx.new_page()
            cdp = ctx.new_cdp_session(page)
            for name, handler in (
                ("Network.requestWillBeSent", rec.on_request),
                ("Network.responseReceived", rec.on_response),
                ("Network.dataReceived", rec.on_data),
                ("Network.loadingFinished", rec.on_finished),
                ("Network.loadingFailed", rec.on_failed),
            ):
                cdp.on(name, handler)
            cdp.send("Network.enable")
            started = time.monotonic()
            page.goto(base + path, wait_until="load")
            load_ms = (time.monotonic() - started) * 1000
            # Let deferred fetches and the service worker's install finish.
            try:
                page.wait_for_function(
                    "navigator.serviceWorker && navigator.serviceWorker.controller !== null"
                    " || !('serviceWorker' in navigator)",
                    timeout=SETTLE_TIMEOUT * 1000,
                )
            except Exception:  # noqa: BLE001 - no SW taking control is reported, not fatal
                pass
            deadline = time.monotonic() + SETTLE_TIMEOUT
            while time.monotonic() < deadline and time.monotonic() - rec.last_event < QUIET_SECONDS:
                page.wait_for_timeout(200)
            sw_registered = bool(ctx.service_workers)
            title = page.title()
        finally:
            ctx.close()
    finally:
        shutil.rmtree(profile, ignore_errors=True)

    page_rows = []
    for r in rec.page.values():
        if r.get("from_cache") or r.get("url", "").startswith("data:"):
            continue
        streaming = r["state"] == "pending"
        page_rows.append(
            {
                "url": _short(r.get("url", "?"), base),
                "type": r.get("type", "Other"),
                "status": r.get("status"),
                "encoding": r.get("encoding", ""),
                "bytes": r["streamed"] if streaming else r["bytes"],
                "streaming": streaming,
                "failed": r["state"] == "failed",
            }
        )
    sw_rows = [
        dict(r, url=_short(r["url"], base), streaming=False, failed=False)
        for r in rec.sw
        if not r["url"].endswith("/sw.js")
    ]
    if sw_registered:
        head, body, enc = direct_get_bytes(base, "/sw.js")
        sw_rows.insert(
            0,
            {
                "url": "/sw.js",
                "type": "sw-script",
                "bytes": head + body,
                "encoding": enc,
                "streaming": False,
                "failed": False,
                "note": "direct GET",
            },
        )
    page_total = sum(r["bytes"] for r in page_rows if not r["streaming"])
    sw_total = sum(r["bytes"] for r in sw_rows)
    return {
        "path": path,
        "title": title,
        "load_ms": round(load_ms, 1),
        "page_rows": page_rows,
        "sw_rows": sw_rows,
        "page_bytes": page_total,
        "sw_bytes": sw_total,
        "with_sw_bytes": page_total + sw_total,
        "sw_registered": sw_registered,
        "streaming_bytes": sum(r["bytes"] for r in page_rows if r["streaming"]),
    }


def kb(n: int) -> str:
    return f"{n / 1000:.1f} KB"


def print_report(result: dict, verbose_sw: bool) -> None:
    print(f"\n== {result['path']}  ({result['title']!r}, load event after {result['load_ms']:.0f} ms)")
    print(f"  {'resource':<52} {'type':<11} {'HTTP':<4} {'enc':<5} {'bytes':>8}")
    for r in sorted(result["page_rows"], key=lambda r: -r["bytes"]):
        note = (
            "  (live stream, open; not summed)" if r["streaming"] else ("  (failed)" if r["failed"] else "")
        )
        print(
            f"  {r['url'][:52]:<52} {r['type']:<11} {r.get('status') or '-'!s:<4} {r['encoding'] or '-':<5} "
            f"{r['bytes']:>8}{note}"
        )
    print(f"  page load total: {result['page_bytes']} bytes = {kb(result['page_bytes'])}")
    if result["sw_rows"]:
        if verbose_sw:
            print("  service worker, first visit:")
            for r in sorted(result["sw_rows"], key=lambda r: -r["bytes"]):
                print(f"    {r['url'][:50]:<50} {r['type']:<11} {r['encoding'] or '-':<5} {r['bytes']:>8}")
        print(
            f"  service worker: {len(result['sw_rows'])} requests, {kb(result['sw_bytes'])}"
            f"  -> page load + SW precache: {result['with_sw_bytes']} bytes = {kb(result['with_sw_bytes'])}"
        )
    else:
        print("  service worker: none registered during the first load")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--budget-kb",
        type=float,
        default=BUDGET_KB,
        help="limit for the first load of / (page load), in KB of 1000 bytes (default 60)",
    )
    parser.add_argument("--url", help="measure this running server instead of starting one")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--wait-for-app",
        type=float,
        default=300.0,
        help="seconds to wait for webapp/__init__.py to define create_app (default 300)",
    )
    parser.add_argument("--quiet-sw", action="store_true", help="do not list each service-worker request")
    parser.add_argument("--json", help="also write the measurements to this file")
    args = parser.parse_args(argv)

    if not Path(CHROMIUM).exists():
        print(f"page_weight: no Chromium at {CHROMIUM} (apt-get install chromium)", file=sys.stderr)
        return 2
    if not args.url and not wait_for_webapp(args.wait_for_app):
        print("page_weight: webapp/__init__.py has no create_app yet", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    server = None
    tmp = tempfile.mkdtemp(prefix="page-weight-")
    try:
        if args.url:
            base = args.url.rstrip("/")
        else:
            from tests.e2e.servers import ServerError, start_server

            try:
                server = start_server(tmp, mode="dev", workers=args.workers)
            except ServerError as exc:
                print(f"page_weight: the server did not start:\n{exc}", file=sys.stderr)
                return 2
            base = server.url
        print(f"page_weight: {base}, Chromium {CHROMIUM}, fresh profile per page")
        with sync_playwright() as pw:
            results = [
                measure(pw, base, "/"),
                measure(pw, base, "/session", start_session=True),
                measure(pw, base, "/library"),
            ]
    finally:
        if server is not None:
            server.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    for result in results:
        print_report(result, verbose_sw=not args.quiet_sw)
    budget = int(args.budget_kb * 1000)
    home = results[0]
    ok = home["page_bytes"] <= budget
    print("\npage        page load      + SW precache")
    for r in results:
        print(f"{r['path']:<11} {kb(r['page_bytes']):>10} {kb(r['with_sw_bytes']):>16}")
    if args.json:
        Path(args.json).write_text(json.dumps({"budget_bytes": budget, "ok": ok, "pages": results}, indent=2))
    verdict = "within" if ok else "OVER"
    print(
        f"RESULT: first load of / = {kb(home['page_bytes'])} ({home['page_bytes']} bytes, gzip), {verdict} "
        f"the {args.budget_kb:g} KB budget; with SW precache {kb(home['with_sw_bytes'])}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
