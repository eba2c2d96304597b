"""Coach: the one API both front ends (Alexa skill, phone app) call.

Every change is one database transaction. Session changes are compare-and-set on the
session's version (`UPDATE ... WHERE version = :old`); when another process won the race the
transaction is rolled back and the command re-applied to the fresh state, so two devices
sending "next" for the same version advance once and the second gets "duplicate".
History, pain reports, the person's pace and the change-bus notice are written in the same
transaction as the session change: all of it happens, or none of it.
"""

from __future__ import annotations

import json
import math
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, delete, select, update
from sqlalchemy.exc import IntegrityError

from shared_content import engine, pairing
from shared_content.engine.legacy import legacy_view
from shared_content.pairing import PairingOutcome
from shared_content.store import Store, default_database_url
from shared_content.store import people as people_db
from shared_content.store.tables import devices, history, pain_reports, people, sessions

SOURCES = ("phone", "voice")
# Each retry follows a competing commit, so a handful covers any realistic burst of devices.
MAX_CAS_ATTEMPTS = 8
# last_seen_at is for the devices page; refreshing it on every request would make every read a write.
LAST_SEEN_RESOLUTION_SECONDS = 60.0

NO_SESSION = "There's no routine in progress."


@dataclass(frozen=True)
class Person:
    id: int
    pace: float
    safety_heard: bool
    mode: str = "lead"  # "lead" (lead me through) | "wait" (wait for me after each exercise)


@dataclass(frozen=True)
class Device:
    id: int
    kind: str
    label: str
    created_at: float
    last_seen_at: float


@dataclass(frozen=True)
class HistoryEntry:
    routine_id: str
    routine_name: str
    started_at: float
    finished_at: float
    outcome: str


@dataclass(frozen=True)
class SessionView:
    state: engine.SessionState
    routine: Any
    position: engine.Position


@dataclass(frozen=True)
class CommandOutcome:
    status: str  # "applied" | "duplicate" | "illegal"
    message: str
    view: SessionView | None
    finished: bool = False

    @property
    def applied(self) -> bool:
        return self.status == "applied"


class _Conflict(Exception):
    """Another transaction changed the session between our read and our compare-and-set."""


def _check_person_id(person_id) -> int:
    if isinstance(person_id, bool) or not isinstance(person_id, int):
        raise ValueError(f"person_id must be an integer, not {person_id!r}.")
    return person_id


class Coach:
    def __init__(self, store: Store, catalogue=None, bus=None, clock: Callable[[], float] = time.time):
        if catalogue is None:
            from shared_content.catalogue import load_catalogue

            catalogue = load_catalogue()
        self.store = store
        self.catalogue = catalogue
        self.bus = bus
        self.clock = clock

    # --- construction -----------------------------------------------------------------

    @classmethod
    def from_url(
        cls, url: str | None = None, clock: Callable[[], float] = time.time, catalogue=None
    ) -> Coach:
        """Open (and migrate) the database at `url`, default SQLite otherwise, and start the change bus."""
        from shared_content.bus import ChangeBus

        store = Store(url or default_database_url())
        store.migrate()
        bus = ChangeBus.for_engine(store.engine)
        return cls(store, catalogue, bus, clock=clock)

    @classmethod
    def from_env(cls, clock: Callable[[], float] = time.time, catalogue=None) -> Coach:
        return cls.from_url(os.environ.get("DATABASE_URL") or None, clock=clock, catalogue=catalogue)

    def close(self) -> None:
        if self.bus is not None and hasattr(self.bus, "close"):
            self.bus.close()
        self.store.dispose()

    def _publish(self, conn: Connection, person_id: int, version: int) -> None:
        if self.bus is not None:
            self.bus.publish(conn, person_id, version)

    # --- people and devices -------------------------------------------------------------

    def person_for_device(self, kind: str, external_id: str, *, label: str | None = None) -> Person:
        """The person behind this device, created (with the device) on first sight."""
        people_db.check_device(kind, external_id)
        now = self.clock()
        with self.store.read() as conn:
            device = people_db.find_device(conn, kind, external_id)
            if device is not None and now - device.last_seen_at < LAST_SEEN_RESOLUTION_SECONDS:
                person = self._person(conn, device.person_id)
                if person is not None:
                    return person
        for _ in range(3):
            try:
                with self.store.write() as conn:
                    device = people_db.find_device(conn, kind, external_id)
                    if device is not None:
                        people_db.touch_device(conn, device.id, now)
                        return self._person(conn, device.person_id)
                    person_id = people_db.create_person(conn, now)
                    people_db.add_device(conn, person_id, kind, external_id, now, label)
                    return Person(person_id, 1.0, False, "lead")
            except IntegrityError:
                continue  # another request created this device first; the next pass finds it
        raise RuntimeError("Could not register the device; please try again.")

    @staticmethod
    def _person(conn: Connection, person_id: int) -> Person | None:
        row = conn.execute(select(people).where(people.c.id == person_id)).first()
        if row is None:
            return None
        return Person(row.id, row.pace, row.safety_heard_at is not None, row.mode)

    def person(self, person_id: int) -> Person | None:
        with self.store.read() as conn:
            return self._person(conn, _check_person_id(person_id))

    def set_mode(self, person_id: int, mode: str) -> CommandOutcome | None:
        """Store the person's choice ("lead" | "wait") and apply it to their running session.

        Returns the session command's outcome, or None when no session is running."""
        _check_person_id(person_id)
        if mode not in engine.MODES:
            raise ValueError(f"mode must be one of {engine.MODES}, not {mode!r}.")
        with self.store.write() as conn:
            if not people_db.set_mode(conn, person_id, mode):
                raise ValueError(f"No person with id {person_id}.")
        view = self.current(person_id)
        if view is None or view.state.done or view.state.mode == mode:
            return None
        return self.command(person_id, "set_mode", mode=mode)

    def set_safety_heard(self, person_id: int) -> None:
        _check_person_id(person_id)
        with self.store.write() as conn:
            if self._person(conn, person_id) is None:
                raise ValueError(f"No person with id {person_id}.")
            conn.execute(
                update(people)
                .where(people.c.id == person_id, people.c.safety_heard_at.is_(None))
                .values(safety_heard_at=self.clock())
            )

    def devices(self, person_id: int) -> list[Device]:
        with self.store.read() as conn:
            rows = conn.execute(
                select(devices)
                .where(devices.c.person_id == _check_person_id(person_id))
                .order_by(devices.c.created_at, devices.c.id)
            ).all()
        return [Device(r.id, r.kind, r.label, r.created_at, r.last_seen_at) for r in rows]

    def unlink(self, person_id: int, device_id: int) -> bool:
        """Detach a device from the person; it starts afresh as a new person when next seen.

        Returns False (and changes nothing) when the device is not this person's. Unlinking the
        person's last device deletes the person: nothing could ever reach their data again.
        """
        _check_person_id(person_id)
        with self.store.write() as conn:
            gone = conn.execute(
                delete(devices).where(devices.c.id == device_id, devices.c.person_id == person_id)
            ).rowcount
            if not gone:
                return False
            if people_db.device_count(conn, person_id) == 0:
                people_db.delete_person(conn, person_id)
            return True

    def forget_device(self, kind: str, external_id: str) -> bool:
        """The skill was disabled (or a device asked to be forgotten): delete what we stored for it.

        The person's data goes too when this was their only device; otherwise only the device.
        Returns False when the device was unknown.
        """
        people_db.check_device(kind, external_id)
        with self.store.write() as conn:
            device = people_db.find_device(conn, kind, external_id)
            if device is None:
                return False
            if people_db.device_count(conn, device.person_id) <= 1:
                people_db.delete_person(conn, device.person_id)
            else:
                conn.execute(delete(devices).where(devices.c.id == device.id))
            return True

    # --- sessions ---------------------------------------------------------------------

    def _routine(self, routine_id: str):
        """The routine for an id (curated or assembled), or None when the catalogue has no such routine."""
        if not isinstance(routine_id, str) or not routine_id.strip():
            return None
        try:
            return self.catalogue.routine(routine_id)
        except (KeyError, ValueError):  # unknown id, or a malformed assembled id (CatalogueError)
            return None

    def _view(self, state: engine.SessionState, routine, now: float) -> SessionView:
        settled = engine.settle(state, routine, self.catalogue, now)
        # The state with the old engine's phase fields, which the front ends read until wave 2.
        shown = legacy_view(settled, routine, self.catalogue, now)
        return SessionView(shown, routine, engine.position(settled, routine, self.catalogue, now))

    def _load(self, conn: Connection, person_id: int):
        """(row, state, routine) for the person's session; (None, None, None) when there is none.
        The state is None when its routine is no longer in the catalogue."""
        row = conn.execute(select(sessions).where(sessions.c.person_id == person_id)).first()
        if row is None:
            return None, None, None
        data = json.loads(row.state)
        routine = self._routine(data.get("routine_id"))
        if routine is None:
            return row, None, None
        return row, engine.SessionState.from_dict(data, routine, self.catalogue), routine

    def _finish_by_time(
        self, conn: Connection, person_id: int, row: Any, state: engine.SessionState, routine: Any, now: float
    ) -> engine.SessionState:
        """Once the timeline has run out, write the done state (compare-and-set, a new version)
        and its history row, exactly once however many readers notice it. Returns the state."""
        settled = engine.settle(state, routine, self.catalogue, now)
        if settled.done == state.done:
            return state
        finished = replace(settled, version=row.version + 1)
        self._compare_and_set(conn, person_id, row.version, finished, now)
        self._record_history(conn, person_id, finished)
        self._publish(conn, person_id, finished.version)
        return finished

    def current(self, person_id: int) -> SessionView | None:
        """The person's session as of now (time-only progress applied, a finished timeline recorded), or None."""
        now = self.clock()
        with self.store.read() as conn:
            row, state, routine = self._load(conn, _check_person_id(person_id))
        if row is None or routine is None:
            return None
        if engine.settle(state, routine, self.catalogue, now).done and not state.done:
            return self._settle_stored(person_id)
        return self._view(state, routine, now)

    def _settle_stored(self, person_id: int) -> SessionView | None:
        for _ in range(MAX_CAS_ATTEMPTS):
            try:
                with self.store.write() as conn:
                    now = self.clock()
                    row, state, routine = self._load(conn, person_id)
                    if row is None or routine is None:
                        return None
                    state = self._finish_by_time(conn, person_id, row, state, routine, now)
                    return self._view(state, routine, now)
            except _Conflict:
                continue
        raise RuntimeError("The session kept changing; please try again.")

    def timeline(self, person_id: int) -> dict[str, Any] | None:
        """The person's session as timeline data for the phone's player (docs/architecture.md,
        Engine: "Timeline data"), or None when there is no session."""
        view = self.current(person_id)
        if view is None:
            return None
        data = engine.timeline_data(view.state, view.routine, self.catalogue, self.clock())
        data["routine_name"] = view.routine.name
        return data

    def history(self, person_id: int) -> list[HistoryEntry]:
        """Finished sessions, newest first."""
        with self.store.read() as conn:
            rows = conn.execute(
                select(history)
                .where(history.c.person_id == _check_person_id(person_id))
                .order_by(history.c.finished_at.desc(), history.c.id.desc())
            ).all()
        entries = []
        for r in rows:
            routine = self._routine(r.routine_id)
            entries.append(
                HistoryEntry(
                    r.routine_id,
                    routine.name if routine else r.routine_id,
                    r.session_started_at,
                    r.finished_at,
                    r.outcome,
                )
            )
        return entries

    def command(
        self,
        person_id: int,
        name: str,
        expected_version: int | None = None,
        *,
        routine_id: str | None = None,
        at: float | None = None,
        source: str = "phone",
        mode: str | None = None,
        segment: int | None = None,
    ) -> CommandOutcome:
        """Apply a session command for the person. See docs/architecture.md (Service)."""
        _check_person_id(person_id)
        if source not in SOURCES:
            raise ValueError(f"source must be one of {SOURCES}, not {source!r}.")
        if expected_version is not None and (
            isinstance(expected_version, bool) or not isinstance(expected_version, int)
        ):
            raise ValueError(f"expected_version must be an integer or None, not {expected_version!r}.")
        if at is not None and (
            isinstance(at, bool) or not isinstance(at, (int, float)) or not math.isfinite(at)
        ):
            raise ValueError(f"at must be a time in seconds or None, not {at!r}.")
        if name != "start" and name not in engine.COMMAND_NAMES:
            return CommandOutcome("illegal", f"I don't know the command {name!r}.", self.current(person_id))
        for _ in range(MAX_CAS_ATTEMPTS):
            try:
                with self.store.write() as conn:
                    command = engine.Command(name, expected_version, at, mode=mode, segment=segment)
                    return self._command_once(conn, person_id, command, routine_id, source)
            except _Conflict:
                continue
            except IntegrityError:
                continue  # two first "start"s raced to insert the session row; re-run against the winner
        raise RuntimeError("The session kept changing under this command; please try again.")

    def _command_once(
        self, conn, person_id: int, command: engine.Command, routine_id, source: str
    ) -> CommandOutcome:
        now = self.clock()
        name = command.name
        person = self._person(conn, person_id)
        if person is None:
            raise ValueError(f"No person with id {person_id}.")
        row, state, routine = self._load(conn, person_id)
        if row is not None and routine is not None:
            if self._finish_by_time(conn, person_id, row, state, routine, now) is not state:
                row, state, routine = self._load(conn, person_id)  # finished just now: read what was written
        if name == "start":
            return self._start(conn, person, row, state, routine, routine_id, command.expected_version, now)
        if row is None:
            return CommandOutcome("illegal", NO_SESSION, None)
        if routine is None:
            return CommandOutcome("illegal", "That routine is no longer available. Start another one.", None)

        result = engine.apply(state, command, routine, self.catalogue, now)
        if result.status != "applied":
            return CommandOutcome(result.status, result.message, self._view(result.state, routine, now))

        new = result.state
        self._compare_and_set(conn, person_id, row.version, new, now)
        if name in ("slower", "faster"):
            conn.execute(update(people).where(people.c.id == person_id).values(pace=new.pace))
        if name == "pain":
            # The exercise they were doing when it hurt: the position before the command.
            doing = engine.position(state, routine, self.catalogue, now).exercise
            conn.execute(
                pain_reports.insert().values(
                    person_id=person_id, at=now, exercise_id=getattr(doing, "id", None), source=source
                )
            )
        if result.finished:
            self._record_history(conn, person_id, new)
        if name == "start_over" and not state.done:  # the run started over is recorded as stopped
            self._record_history(conn, person_id, replace(state, outcome="stopped", finished_at=now))
        self._publish(conn, person_id, new.version)
        return CommandOutcome("applied", result.message, self._view(new, routine, now), result.finished)

    def _start(
        self, conn, person: Person, row, state, old_routine, routine_id, expected_version, now
    ) -> CommandOutcome:
        routine = self._routine(routine_id) if routine_id is not None else None
        if routine is None:
            message = (
                "Say which routine to start."
                if routine_id is None
                else f"There's no routine called {routine_id!r}."
            )
            view = (
                self._view(state, old_routine, now) if row is not None and old_routine is not None else None
            )
            return CommandOutcome("illegal", message, view)
        if row is not None and expected_version is not None and expected_version != row.version:
            view = self._view(state, old_routine, now) if old_routine is not None else None
            return CommandOutcome("duplicate", "The session already changed on another device.", view)
        if row is not None and state is not None and not state.done:
            # A routine started over a running one: the first is recorded as stopped.
            self._record_history(conn, person.id, replace(state, outcome="stopped", finished_at=now))
        # A replacement keeps counting up, so every device notices the new session.
        new = engine.start(
            routine,
            self.catalogue,
            now,
            pace=person.pace,
            version=(row.version + 1) if row else 1,
            mode=person.mode,
        )
        if row is None:
            conn.execute(
                sessions.insert().values(
                    person_id=person.id,
                    routine_id=new.routine_id,
                    version=new.version,
                    state=json.dumps(new.to_dict()),
                    updated_at=now,
                )
            )
        else:
            self._compare_and_set(conn, person.id, row.version, new, now)
        self._publish(conn, person.id, new.version)
        return CommandOutcome("applied", "", self._view(new, routine, now))

    @staticmethod
    def _compare_and_set(
        conn: Connection, person_id: int, old_version: int, new: engine.SessionState, now: float
    ):
        updated = conn.execute(
            update(sessions)
            .where(sessions.c.person_id == person_id, sessions.c.version == old_version)
            .values(
                routine_id=new.routine_id,
                version=new.version,
                state=json.dumps(new.to_dict()),
                updated_at=now,
            )
        ).rowcount
        if updated != 1:
            raise _Conflict()

    def _record_history(self, conn: Connection, person_id: int, state: engine.SessionState) -> None:
        # ON CONFLICT DO NOTHING: the unique (person, run start) key keeps it to one row per run.
        conn.execute(
            self.store.insert(history)
            .values(
                person_id=person_id,
                routine_id=state.routine_id,
                session_started_at=state.started_at,
                finished_at=state.finished_at if state.finished_at is not None else self.clock(),
                outcome=state.outcome or "stopped",
            )
            .on_conflict_do_nothing(index_elements=[history.c.person_id, history.c.session_started_at])
        )

    # --- pairing -------------------------------------------------------------------------

    def create_pairing_code(self, person_id: int) -> str:
        """Six digits the speaker reads out; valid for 10 minutes, once. Replaces the person's previous code."""
        _check_person_id(person_id)
        with self.store.write() as conn:
            return pairing.issue_code(conn, person_id, self.clock())

    def redeem_pairing_code(self, browser_token: str, code: str, client_ip: str | None) -> PairingOutcome:
        """Link the phone with this browser token to the person whose code it is (merging the phone's own data)."""
        return pairing.redeem(self.store, browser_token, code, client_ip, self.clock(), self._publish)


__all__ = [
    "Coach",
    "Person",
    "Device",
    "HistoryEntry",
    "SessionView",
    "CommandOutcome",
    "PairingOutcome",
    "NO_SESSION",
]
