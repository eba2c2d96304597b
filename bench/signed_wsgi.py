"""Gunicorn entry for the benchmarks: Psoas Coach (or the floor) with Alexa verification ON, on a test CA.

    gunicorn -c python:psoas_coach.gunicorn_conf bench.signed_wsgi:app

The same production app and the same verifiers (`skill.verification.default_verifiers`: signature,
chain, timestamp, skill id) as psoas_coach/wsgi.py; only the trust root and where the chain is
downloaded from differ, and only here:

    PSOAS_BENCH_TRUST_ROOT   PEM file of the bench's root CA (tests/skill/certs.py), the only root trusted
    PSOAS_BENCH_CHAIN_BASE   http://127.0.0.1:<port> serving /echo.api/... (the chain URL's path is kept;
                             the request's SignatureCertChainUrl must still be https://s3.amazonaws.com/echo.api/...)
    PSOAS_BENCH_APP          "coach" (default) or "floor" (bench/floor_skill.py)

Production never imports this module, so none of these variables means anything to a deployed server.
"""

from __future__ import annotations

import os
from pathlib import Path

from psoas_coach.config import settings_from_env
from skill.verification import CERT_CHAIN_HOST, default_verifiers, fetch_certificate_chain, load_pem_roots


def _local_fetch(base: str):
    prefix = f"https://{CERT_CHAIN_HOST}/"
    if not base.startswith("http://127.0.0.1:"):
        raise SystemExit("PSOAS_BENCH_CHAIN_BASE must be a loopback http://127.0.0.1:<port> URL")

    def fetch(url: str) -> bytes:
        assert url.startswith(prefix), url  # normalise_cert_chain_url already enforced it
        return fetch_certificate_chain(base + url[len(prefix) - 1 :])

    return fetch


def build_app():
    roots = load_pem_roots(Path(os.environ["PSOAS_BENCH_TRUST_ROOT"]).read_bytes())
    settings = settings_from_env(dev=False)
    fetch = _local_fetch(os.environ["PSOAS_BENCH_CHAIN_BASE"])
    if os.environ.get("PSOAS_BENCH_APP", "coach") == "floor":
        from bench.floor_skill import create_floor_app

        # The floor has no database: its replay check is the in-process half only.
        return create_floor_app(
            settings.alexa_skill_id, default_verifiers(settings.alexa_skill_id, roots=roots, fetch=fetch)
        )
    from psoas_coach.app import create_app
    from shared_content.replay import SeenRequests
    from shared_content.service import Coach

    # As production builds it (psoas_coach/app.py, skill/endpoint.py): the replay check's
    # cross-process half in the database too, one write per request.
    coach = Coach.from_url(settings.database_url)
    verifiers = default_verifiers(
        settings.alexa_skill_id, roots=roots, fetch=fetch, remember=SeenRequests(coach.store, coach.clock)
    )
    return create_app(settings, coach=coach, alexa_verifiers=verifiers)


app = build_app()
