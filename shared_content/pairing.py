"""One-time pairing codes that link a phone to the person behind an Alexa device.

Codes
  Six random digits (secrets.randbelow), valid for 10 minutes, used once. Asking for a new
  code replaces the person's previous one. Only a hash is stored: SHA-256 over a fixed
  domain prefix and the digits. A million possible codes means anyone who can read the
  database could brute-force a live code from its hash; a server-side pepper would prevent
  that, but every process would then have to share the secret, and a reader of the database
  could already do far worse. The short life (10 minutes) and single use bound the damage.

Guessing
  A wrong code does not say which code it was aimed at, so "five wrong tries against a code"
  cannot be counted per code. Instead three limits, all stored in the database so they hold
  across processes:
  * per browser token: 5 wrong tries per 10-minute window;
  * per client IP: 10 wrong tries per window (a household can share one address);
  * per live code: every wrong try made while a code is live counts against it, and the code
    dies after 20. Whoever guesses, with however many browsers and addresses, a code is
    exposed to at most 20 guesses in a space of a million: a chance of 1 in 50,000.
  Denial of service is the trade-off: a flood of wrong guesses kills the live codes, and the
  person asks Alexa for a new one (which starts with a clean count). While a browser or IP is
  limited even the right code is refused, or the limit would be pointless.
  A code in the wrong format (not six digits) is a typo, not a guess: it is not counted.

Privacy
  Codes, browser tokens and IP addresses are never logged; rate-limit keys hold hashes.

On PostgreSQL every redemption takes one transaction-scoped advisory lock, so limit checks,
code use and the merge are serialised (SQLite gets the same from BEGIN IMMEDIATE). Pairing is
rare; the serialisation costs nothing noticeable.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, case, delete, insert, select, text, update

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
IP_WRONG_TRY_LIMIT = 10
CODE_WRONG_TRY_LIMIT = 20
PG_PAIRING_LOCK_KEY = 0x7061697273  # "pairs"

BAD_FORMAT = f"Enter the {number_words(PAIRING_CODE_DIGITS)} digits Alexa said."
WRONG_CODE = f"That code didn't work. Check the {number_words(PAIRING_CODE_DIGITS)} digits, or ask Alexa for a new code."
STALE_CODE = (
    'That code has expired or was already used. Say "Alexa, ask psoas coach to link my phone" for a new one.'
)
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


def _live(now: float) -> ColumnElement[bool]:
    return (
        (pairing_codes.c.used_at.is_(None))
        & (pairing_codes.c.expires_at > now)
        & (pairing_codes.c.wrong_tries < CODE_WRONG_TRY_LIMIT)
    )


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


def _limit_outcome(conn: Connection, keys: dict[str, str], now: float) -> PairingOutcome | None:
    """A refusal when this browser or this address is over its limit, else None."""
    limits = {"browser": BROWSER_WRONG_TRY_LIMIT, "ip": IP_WRONG_TRY_LIMIT}
    for kind, key in keys.items():
        row = conn.execute(
            select(rate_limits.c.window_start, rate_limits.c.count).where(rate_limits.c.key == key)
        ).first()
        if row is None:
            continue
        window_start, count = row
        if window_start + RATE_WINDOW_SECONDS <= now or count < limits[kind]:
            continue
        seconds = max(1, math.ceil(window_start + RATE_WINDOW_SECONDS - now))
        minutes = max(1, round(seconds / 60))
        where = "this phone" if kind == "browser" else "this network"
        message = (
            f"Too many wrong codes from {where}. Wait {minutes} minute{'s' if minutes != 1 else ''}, "
            "then try again with a new code from Alexa."
        )
        return PairingOutcome(False, message, limited=True, retry_after_seconds=seconds)
    return None


def _count_wrong_try(store: Store, conn: Connection, keys: dict[str, str], now: float) -> None:
    for key in keys.values():
        expired = rate_limits.c.window_start + RATE_WINDOW_SECONDS <= now
        stmt = store.insert(rate_limits).values(key=key, window_start=now, count=1)
        stmt = stmt.on_conflict_do_update(
            index_elements=[rate_limits.c.key],
            set_={
                "count": case((expired, 1), else_=rate_limits.c.count + 1),
                "window_start": case((expired, now), else_=rate_limits.c.window_start),
            },
        )
        conn.execute(stmt)
    # Every live code was possibly the target of this guess.
    conn.execute(update(pairing_codes).where(_live(now)).values(wrong_tries=pairing_codes.c.wrong_tries + 1))
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
    keys = {"browser": _hashed_key("browser", browser_token), "ip": _hashed_key("ip", client_ip or "unknown")}
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
    return PairingOutcome(True, LINKED, speaker_id)
