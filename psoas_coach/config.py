"""Settings from the environment, read when the app is built (never at import time)."""

from __future__ import annotations

import ipaddress
import os
import secrets
import socket
from dataclasses import dataclass
from pathlib import Path

from shared_content.paths import data_dir
from shared_content.webpush import VapidKeys, dev_vapid_keys


@dataclass(frozen=True)
class Settings:
    database_url: str | None
    secret_key: str
    alexa_skill_id: str | None
    verify_alexa: bool
    dev: bool
    proxy_hops: int = 0  # reverse proxies in front whose X-Forwarded-For/-Proto we trust
    catalogue_dir: str | None = None  # a folder of catalogue data files instead of the packaged ones
    vapid_keys: VapidKeys | None = None  # Web Push (reminders, desk-break nudges); None: push is off


def is_loopback(host: str) -> bool:
    """True when every address `host` resolves to is a loopback address."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(i[4][0]).is_loopback for i in infos)


def dev_secret() -> str:
    """A per-machine secret for --dev, kept in the data folder so phone cookies survive restarts."""
    path = Path(data_dir()) / "dev-secret-key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()


def settings_from_env(dev: bool = False) -> Settings:
    secret = os.environ.get("PSOAS_SECRET_KEY") or (dev_secret() if dev else None)
    if not secret:
        raise SystemExit(
            "PSOAS_SECRET_KEY is not set. Set it to a long random string, or use --dev on a loopback host."
        )
    hops = os.environ.get("PSOAS_PROXY_HOPS", "0").strip() or "0"
    if not (hops.isascii() and hops.isdigit()) or int(hops) > 5:
        raise SystemExit(f"PSOAS_PROXY_HOPS must be a whole number from 0 to 5 (got {hops!r}).")
    catalogue_dir = os.environ.get("PSOAS_CATALOGUE_DIR") or None
    if catalogue_dir is not None and not Path(catalogue_dir).is_dir():
        raise SystemExit(f"PSOAS_CATALOGUE_DIR must be a folder of catalogue files (got {catalogue_dir!r}).")
    # Web Push identifies us to push services by a contact (RFC 8292): a mailto: or https: URL.
    subject = (
        os.environ.get("PSOAS_VAPID_SUBJECT")
        or os.environ.get("PSOAS_PUBLIC_URL")
        or "mailto:admin@localhost"
    )
    vapid = VapidKeys.from_env(os.environ, subject)
    if vapid is None and dev:
        vapid = dev_vapid_keys(Path(data_dir()), subject)
    return Settings(
        vapid_keys=vapid,
        proxy_hops=int(hops),
        catalogue_dir=catalogue_dir,
        database_url=os.environ.get("DATABASE_URL") or None,
        secret_key=secret,
        alexa_skill_id=os.environ.get("ALEXA_SKILL_ID") or None,
        verify_alexa=not dev,
        dev=dev,
    )
