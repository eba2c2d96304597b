"""One-time pairing codes that link a phone to the person behind an Alexa device.

Codes
  Six random digits (secrets.randbelow), valid for 10 minutes, used once. Asking for a new
  code replaces the person's previous one. Only a hash is stored: SHA-256 over a fixed
  domain prefix and the digits. A million possible codes means anyone who can read the
  database could brute-force a live code from its hash; a server-side pepper would prevent
  that, but every process would then have to share the secret, and a reader of the database
  could already do far worse. The short life (10 minutes) and single use bound the damage.

Guessing
  A wrong code does not say which code it was aimed at, so wrong tries cannot be counted per
  code; they are counted per source instead, in the database so the limits hold across
  processes (fixed windows; see docs/architecture.md, "Pairing", for the reasoning and bound):
  * per browser token: 5 wrong tries per 10-minute window;
  * per network: 10 wrong tries per 10 minutes from one IPv4 address or one IPv6 /64 (a
    household can share one address; one machine is usually given a whole /64), and 50 from
    one IPv6 /48 (a site), so a single subscriber cannot walk through its prefixes;
  * across everyone: when more than 10 wrong tries arrived in the current minute, only sources
    with a clean record this window (no wrong try from this browser or its network) are let
    through; the others are told to wait until the minute ends. This slows a guessing run down
    to a trickle without touching anyone's code: a person typing their code for the first time
    still gets straight through.
  Earlier every wrong try counted against every live code, so twenty guesses from two
  addresses killed everyone's codes; one person's guesses now never harm another's code.
  While a source is limited even the right code is refused, or the limit would be pointless.
  A code in the wrong format (not six digits) is a typo, not a guess: it is not counted.

Privacy
  Codes, browser tokens and IP addresses are never logged; rate-limit keys hold hashes.

On PostgreSQL every redemption takes one transaction-scoped advisory lock, so limit checks,
code use and the merge are serialised (SQLite gets the same from BEGIN IMMEDIATE). Pairing is
rare; the serialisation costs nothing noticeable.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, case, delete, insert, select, text, update

from shared_content.bus import ENDED
from shared_content.store import Store, person_data
from shared_content.store import people as people_db
from shared_content.store import sessions as sessions_db
from shared_content.store.tables import pairing_codes, people, rate_limits
from shared_content.vocabulary import PAIRING_CODE_DIGITS, number_words, parse_pairing_code

# publish(conn, person_id, version): the change-bus notice, sent in the caller's transaction.
Publish = Callable[[Connection, int, int], None]

CODE_TTL_SECONDS = 10 * 60
RATE_WINDOW_SECONDS = 10 * 60
BROWSER_WRONG_TRY_LIMIT = 5
IP_WRONG_TRY_LIMIT = 10  # one IPv4 address or one IPv6 /64
SITE_WRONG_TRY_LIMIT = 50  # one IPv6 /48
GLOBAL_WINDOW_SECONDS = 60
GLOBAL_WRONG_TRY_LIMIT = 10  # per GLOBAL_WINDOW_SECONDS, past which only clean sources get through
# kind -> (wrong tries allowed, window seconds); "global" is a soft limit (see _limit_outcome).
LIMITS = {
    "browser": (BROWSER_WRONG_TRY_LIMIT, RATE_WINDOW_SECONDS),
    "ip": (IP_WRONG_TRY_LIMIT, RATE_WINDOW_SECONDS),
    "site": (SITE_WRONG_TRY_LIMIT, RATE_WINDOW_SECONDS),
    "global": (GLOBAL_WRONG_TRY_LIMIT, GLOBAL_WINDOW_SECONDS),
}
PG_PAIRING_LOCK_KEY = 0x7061697273  # "pairs"

BAD_FORMAT = f"Enter the {number_words(PAIRING_CODE_DIGITS)} digits Alexa said."
WRONG_CODE = f"That code didn't work. Check the {number_words(PAIRING_CODE_DIGITS)} digits, or ask Alexa for a new code."
STALE_CODE = (
    'That code has expired or was already used. Say "Alexa, ask psoas coach to link my phone" for a new one.'
)
BUSY = "Lots of people are mistyping codes right now. Wait a minute, then try again."
LINKED = "Your phone is linked. It now follows the same session as your Alexa device."
ALREADY_LINKED = "This phone was already linked to you. Nothing changed."


@dataclass(frozen=True)
class PairingOutcome:
    ok: bool
    message: str
    person_id: int | None = None
    limited: bool = False  # refused by a rate limit (even a right code waits it out)
    retry_after_seconds: int | None = None  # when limited: seconds until the window ends


def hash_code(code: str) -> str:
    return hashlib.sha256(b"psoas-coach pairing code v1\x00" + code.encode("ascii")).hexdigest()


def _hashed_key(kind: str, value: str) -> str:
    return f"pair:{kind}:" + hashlib.sha256(value.encode("utf-8")).hexdigest()[:40]


def network_scopes(client_ip: str | None) -> dict[str, str]:
    """The networks a client address is limited by: {"ip": its /32 or /64} (+ "site": its /48 for IPv6).

    Anything that is not an IP address (missing, a unix socket) shares one "unknown" bucket.
    """
    try:
        address = ipaddress.ip_address((client_ip or "").strip().split("%", 1)[0])
    except ValueError:
        return {"ip": "unknown"}
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if isinstance(address, ipaddress.IPv4Address):
        return {"ip": f"{address}/32"}
    return {
        "ip": str(ipaddress.IPv6Network((address, 64), strict=False)),
        "site": str(ipaddress.IPv6Network((address, 48), strict=False)),
    }


def _limit_keys(browser_token: str, client_ip: str | None) -> dict[str, str]:
    scopes = {"browser": browser_token, **network_scopes(client_ip)}
    keys = {kind: _hashed_key(kind, value) for kind, value in scopes.items()}
    keys["global"] = "pair:global"
    return keys


def _live(now: float) -> ColumnElement[bool]:
    return (pairing_codes.c.used_at.is_(None)) & (pairing_codes.c.expires_at > now)


def issue_code(conn: Connection, person_id: int, now: float) -> str:
    """A fresh code for `person_id`, replacing any the person had. Runs in the caller's write transaction."""
    if conn.execute(select(people.c.id).where(people.c.id == person_id)).first() is None:
        raise ValueError(f"No person with id {person_id}.")
    conn.execute(delete(pairing_codes).where(pairing_codes.c.person_id == person_id))
    # Housekeeping: codes long past their life are of no use to anyone.
    conn.execute(delete(pairing_codes).where(pairing_codes.c.expires_at < now - 86400))
    for _ in range(20):
        code = f"{secrets.randbelow(10**PAIRING_CODE_DIGITS):0{PAIRING_CODE_DIGITS}d}"
        digest = hash_code(code)
        clash = conn.execute(
            select(pairing_codes.c.id).where(pairing_codes.c.code_hash == digest, _live(now))
        ).first()
        if clash is None:  # two live codes with the same digits would be ambiguous
            break
    else:  # pragma: no cover - needs ~a million live codes
        raise RuntimeError("Could not find a free pairing code.")
    conn.execute(
        insert(pairing_codes).values(
            code_hash=digest,
            person_id=person_id,
            created_at=now,
            expires_at=now + CODE_TTL_SECONDS,
            used_at=None,
            wrong_tries=0,
        )
    )
    return code


def _counts(conn: Connection, keys: dict[str, str], now: float) -> dict[str, tuple[int, float]]:
    """kind -> (wrong tries in the current window, when that window ends); absent when none."""
    rows = conn.execute(select(rate_limits).where(rate_limits.c.key.in_(list(keys.values())))).all()
    by_key = {row.key: row for row in rows}
    counts: dict[str, tuple[int, float]] = {}
    for kind, key in keys.items():
        row = by_key.get(key)
        ends = row.window_start + LIMITS[kind][1] if row is not None else now
        if row is not None and ends > now:
            counts[kind] = (int(row._mapping["count"]), float(ends))
    return counts


def _wait(ends: float, now: float) -> int:
    return max(1, math.ceil(ends - now))


def _limit_outcome(conn: Connection, keys: dict[str, str], now: float) -> PairingOutcome | None:
    """A refusal when this browser or its network is over its limit, or when everyone is guessing
    too much and this source has already guessed wrong this window; else None."""
    counts = _counts(conn, keys, now)
    for kind in ("browser", "ip", "site"):
        count, ends = counts.get(kind, (0, now))
        if count < LIMITS[kind][0]:
            continue
        seconds = _wait(ends, now)
        minutes = max(1, round(seconds / 60))
        where = "this phone" if kind == "browser" else "this network"
        message = (
            f"Too many wrong codes from {where}. Wait {minutes} minute{'s' if minutes != 1 else ''}, "
            "then try again with a new code from Alexa."
        )
        return PairingOutcome(False, message, limited=True, retry_after_seconds=seconds)
    global_count, global_ends = counts.get("global", (0, now))
    has_guessed = any(counts.get(kind, (0, now))[0] > 0 for kind in ("browser", "ip"))
    if global_count >= GLOBAL_WRONG_TRY_LIMIT and has_guessed:
        return PairingOutcome(False, BUSY, limited=True, retry_after_seconds=_wait(global_ends, now))
    return None


def _count_wrong_try(store: Store, conn: Connection, keys: dict[str, str], now: float) -> None:
    for kind, key in keys.items():
        expired = rate_limits.c.window_start + LIMITS[kind][1] <= now
        stmt = store.insert(rate_limits).values(key=key, window_start=now, count=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=[rate_limits.c.key],
            set_={
                "count": case((expired, 1), else_=rate_limits.c.count + 1),
                "window_start": case((expired, now), else_=rate_limits.c.window_start),
            },
        )
        conn.execute(stmt)
    # Housekeeping: windows that ended long ago.
    conn.execute(delete(rate_limits).where(rate_limits.c.window_start < now - 86400))


def redeem(
    store: Store, browser_token: str, raw_code: object, client_ip: str | None, now: float, publish: Publish
) -> PairingOutcome:
    """Link the phone with `browser_token` to the person whose live code this is.

    `publish(conn, person_id, version)` is called when the phone's session moves to the speaker.
    """
    people_db.check_device("phone", browser_token)
    code = parse_pairing_code(raw_code)
    if code is None:
        return PairingOutcome(False, BAD_FORMAT)
    keys = _limit_keys(browser_token, client_ip)
    with store.write() as conn:
        if store.dialect == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": PG_PAIRING_LOCK_KEY})
        limited = _limit_outcome(conn, keys, now)
        if limited is not None:
            return limited
        digest = hash_code(code)
        row = conn.execute(
            select(pairing_codes)
            .where(pairing_codes.c.code_hash == digest, _live(now))
            .order_by(pairing_codes.c.created_at.desc())
            .limit(1)
        ).first()
        if row is None:
            stale = conn.execute(
                select(pairing_codes.c.id).where(pairing_codes.c.code_hash == digest)
            ).first()
            _count_wrong_try(store, conn, keys, now)
            return PairingOutcome(False, STALE_CODE if stale else WRONG_CODE)
        conn.execute(update(pairing_codes).where(pairing_codes.c.id == row.id).values(used_at=now))
        return _link_phone(conn, browser_token, row.person_id, now, publish)


def _link_phone(
    conn: Connection, browser_token: str, speaker_id: int, now: float, publish: Publish
) -> PairingOutcome:
    device = people_db.find_device(conn, "phone", browser_token)
    if device is None:
        people_db.add_device(conn, speaker_id, "phone", browser_token, now)
        return PairingOutcome(True, LINKED, speaker_id)
    if device.person_id == speaker_id:
        people_db.touch_device(conn, device.id, now)
        return PairingOutcome(True, ALREADY_LINKED, speaker_id)
    previous = device.person_id
    people_db.move_device(conn, device.id, speaker_id, now)
    # Only a person nothing else points to is folded in; a phone moving away from another
    # household's speaker leaves that household's data alone.
    if people_db.device_count(conn, previous) == 0:
        if person_data.merge_person(conn, previous, speaker_id):
            version = sessions_db.version(conn, speaker_id)
            if version is not None:  # the session that just moved
                publish(conn, speaker_id, version)
        publish(conn, previous, ENDED)  # the absorbed person's live streams end now
    return PairingOutcome(True, LINKED, speaker_id)
