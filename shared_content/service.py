"""Coach: the one API both front ends (Alexa skill, phone app) call.

Coach orchestrates; the store modules hold every SQL statement. Every change is one database
transaction. Session changes are compare-and-set on the session's version
(`store.sessions.compare_and_set`: `UPDATE ... WHERE version = :old`); when another process won the
race the transaction is rolled back and the command re-applied to the fresh state, so two devices
sending "next" for the same version advance once and the second gets "duplicate". History, pain
reports, the person's pace and the change-bus notice are written in the same transaction as the
session change: all of it happens, or none of it.

Rules both front ends share live here, not in them: a first session starts only once the safety
notice has been taken in (`command("start", ..., safety_acknowledged=True)`, or `acknowledge_safety`).
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from shared_content import engine, pairing
from shared_content.bus import ChangeBus, Subscription
from shared_content.catalogue import Catalogue, Exercise, Routine
from shared_content.engine.legacy import LegacyState, legacy_view
from shared_content.pain import PainAdvice, PainReading, advise, load_pain_guide, read_pain
from shared_content.pairing import PairingOutcome
from shared_content.progress import PainReport, zone
from shared_content.store import Store, default_database_url, person_data
from shared_content.store import history as history_db
from shared_content.store import pain as pain_db
from shared_content.store import people as people_db
from shared_content.store import push as push_db
from shared_content.store import sessions as sessions_db
from shared_content.store import settings as settings_db
from shared_content.store.history import RunDetails
from shared_content.store.settings import Settings

Cue = engine.Cue  # (at, key, params): one moment of the cue schedule, for the front ends
Source = Literal["phone", "voice"]
SOURCES: tuple[Source, ...] = ("phone", "voice")
Status = Literal["applied", "duplicate", "illegal", "safety_notice"]
# Each retry follows a competing commit, so a handful covers any realistic burst of devices.
MAX_CAS_ATTEMPTS = 8
RECENT_RUNS_LOOKED_AT = 20  # last_routine_id: runs of routines since removed are passed over
DONE_IN_RUN_CACHE = 4096  # runs remembered by exercises_done per process (a few hundred bytes each)
DECODED_STATES_KEPT = 4096  # stored session texts decoded, per process (about 2 KB each)
# last_seen_at is for the devices page; refreshing it on every request would make every read a write.
LAST_SEEN_RESOLUTION_SECONDS = 60.0
SPEAKER_LABEL = "Alexa, your recognised voice"  # how the phone lists a voice Alexa recognises

NO_SESSION = "There's no routine in progress."
SAFETY_NOTICE_FIRST = "Read the safety notice before your first routine."
NOT_STOPPED_FOR_PAIN = "There's no routine stopped for pain to pick up."
NOT_OFFERED = "Not after that pain report: rest today, and start a routine another time."
NOTHING_LEFT = "That was the last exercise, so the routine is done for today."


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
    details: RunDetails = RunDetails()
    pain_after: int | None = None

    @property
    def pain_before(self) -> int | None:
        return self.details.pain_before


CheckinWhen = Literal["before", "after"]
# A graded score belongs to the "it hurts" it follows only if given soon after (the voice asks at once).
GRADE_WINDOW_SECONDS = 30 * 60


@dataclass(frozen=True)
class Followup:
    """Why to ask "how does it feel today?" on this visit: the last run stopped for pain, or pain rose."""

    reason: Literal["pain_stop", "pain_rose"]
    last_score: int | None  # the latest score to compare today's with


# The stored state's own fields: with the routine, everything a view depends on except the clock
# (a view's state adds fields worked out at `now`). The phone's page cache keys on them.
STORED_STATE_FIELDS = tuple(f.name for f in fields(engine.SessionState))


@dataclass(frozen=True)
class SessionView:
    # The state with the old engine's phase fields worked out at `now`, which the front ends
    # still read; new code reads `position` and `Coach.timeline` instead.
    state: LegacyState
    routine: Routine
    position: engine.Position
    # The state as stored at `state.version` (not settled): what a follow-up command in the same
    # request is applied to (`command(..., based_on=view)`) without reading the session again.
    stored: engine.SessionState | None = field(default=None, compare=False, repr=False)

    def hold_of(self, exercise: Exercise) -> int:
        """An exercise's hold in this run: at the run's pace, the length the count goes to."""
        return engine.paced_hold(exercise.hold_seconds, self.state.pace)

    def steps(self, exercise: Exercise) -> tuple[str, ...]:
        """An exercise's steps as this run reads and shows them ("hold for six seconds" after
        "slower")."""
        return exercise.steps_at(self.hold_of(exercise))


@dataclass(frozen=True)
class CommandOutcome:
    # "safety_notice": a first "start" refused until the safety notice is acknowledged
    status: Status
    message: str
    view: SessionView | None
    finished: bool = False

    @property
    def applied(self) -> bool:
        return self.status == "applied"

    @property
    def needs_safety_notice(self) -> bool:
        return self.status == "safety_notice"


class SessionMoved(Exception):
    """The session changed after a command was planned on it (`Coach.commit` wrote nothing)."""


# Commands that only move a running session along its timeline: `Coach.plan` may work them out
# on a view in hand and `Coach.commit` write several in one transaction.
PLANNABLE = frozenset({"next", "previous", "repeat", "continue", "barrier", "resume"})


@dataclass(frozen=True)
class PlannedCommand:
    """A command worked out on a view (`Coach.plan`), not yet written (`Coach.commit`)."""

    command: engine.Command
    source: Source
    before: engine.SessionState  # the stored state it was planned on
    after: engine.SessionState  # the state it leaves (what `commit` stores)
    now: float
    outcome: CommandOutcome  # what the command does: its message and the view after it


class _Conflict(Exception):
    """Another transaction changed the session between our read and our compare-and-set."""


@dataclass(frozen=True)
class _Loaded:
    """The person's stored session, decoded; `routine` is None when the catalogue no longer has it."""

    version: int
    state: engine.SessionState | None  # None when the routine is gone (it cannot be decoded)
    routine: Routine | None


def _check_person_id(person_id: object) -> int:
    if isinstance(person_id, bool) or not isinstance(person_id, int):
        raise ValueError(f"person_id must be an integer, not {person_id!r}.")
    return person_id


def _speaker_device(alexa_user_id: str, alexa_person_id: str | None) -> tuple[str, str | None, str | None]:
    """The device an Alexa speaker is (external id, label, account key): the recognised voice when
    Alexa names one, else the account itself."""
    if not alexa_person_id:
        return alexa_user_id, None, None
    people_db.check_device("alexa", alexa_person_id)
    external_id = people_db.speaker_external_id(alexa_user_id, alexa_person_id)
    return external_id, SPEAKER_LABEL, people_db.account_key(alexa_user_id)


def _person(row: people_db.PersonRow) -> Person:
    return Person(row.id, row.pace, row.safety_heard_at is not None, row.mode)


class Coach:
    def __init__(
        self,
        store: Store,
        catalogue: Catalogue | None = None,
        bus: ChangeBus | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if catalogue is None:
            from shared_content.catalogue import load_catalogue

            catalogue = load_catalogue()
        self.store = store
        self.catalogue = catalogue
        self.bus = bus
        self.clock = clock
        # exercises_done per (person, run start) of a running run: history only grows when a run
        # ends, and every later run starts at another time (a start, start over or pick-up).
        self._done_in_run: dict[tuple[int, float], frozenset[str]] = {}
        # stored session text -> its routine and decoded state (both immutable; see _decode)
        self._decoded: dict[str, tuple[Routine | None, engine.SessionState | None]] = {}

    # --- construction -----------------------------------------------------------------

    @classmethod
    def from_url(
        cls,
        url: str | None = None,
        clock: Callable[[], float] = time.time,
        catalogue: Catalogue | None = None,
    ) -> Coach:
        """Open (and migrate) the database at `url`, default SQLite otherwise, and start the change bus."""
        store = Store(url or default_database_url())
        store.migrate()
        return cls(store, catalogue, ChangeBus.for_engine(store.engine), clock=clock)

    def close(self) -> None:
        if self.bus is not None:
            self.bus.close()
        self.store.dispose()

    def subscribe(self, person_id: int) -> Subscription:
        """Wait for changes to the person's session (`sub.wait(timeout)`, then `sub.close()`)."""
        if self.bus is None:
            raise RuntimeError("This Coach was made without a change bus.")
        return self.bus.subscribe(_check_person_id(person_id))

    def _publish(self, conn: Connection, person_id: int, version: int) -> None:
        if self.bus is not None:
            self.bus.publish(conn, person_id, version)

    # --- people and devices -------------------------------------------------------------

    def person_for_speaker(self, alexa_user_id: str, alexa_person_id: str | None) -> Person:
        """The person talking to an Alexa account: the recognised voice's own person when Alexa
        names one (context.System.person.personId), else the account's. Each voice is a device
        of its own, tied to the account so that disabling the skill deletes every voice."""
        external_id, label, account = _speaker_device(alexa_user_id, alexa_person_id)
        return self.person_for_device("alexa", external_id, label=label, account=account)

    def speaker_session(
        self, alexa_user_id: str, alexa_person_id: str | None
    ) -> tuple[Person, SessionView | None]:
        """`person_for_speaker` and then `current`: every voice request needs both, so while the
        speaker was seen lately they are one statement (`device_session`)."""
        external_id, label, account = _speaker_device(alexa_user_id, alexa_person_id)
        return self.device_session("alexa", external_id, label=label, account=account)

    def person_for_device(
        self, kind: str, external_id: str, *, label: str | None = None, account: str | None = None
    ) -> Person:
        """The person behind this device, created (with the device) on first sight."""
        people_db.check_device(kind, external_id)
        now = self.clock()
        with self.store.read() as conn:
            found = people_db.find_device_and_person(conn, kind, external_id)
        if found is not None and now - found[0].last_seen_at < LAST_SEEN_RESOLUTION_SECONDS:
            return _person(found[1])
        for _ in range(3):
            try:
                with self.store.write() as conn:
                    device = people_db.find_device(conn, kind, external_id)
                    if device is not None:
                        people_db.touch_device(conn, device.id, now)
                        row = people_db.find_person(conn, device.person_id)
                        if row is not None:  # the foreign key makes this certain
                            return _person(row)
                    person_id = people_db.create_person(conn, now)
                    people_db.add_device(conn, person_id, kind, external_id, now, label, account=account)
                    return Person(person_id, 1.0, False)
            except IntegrityError:
                continue  # another request created this device first; the next pass finds it
        raise RuntimeError("Could not register the device; please try again.")

    def person(self, person_id: int) -> Person | None:
        with self.store.read() as conn:
            row = people_db.find_person(conn, _check_person_id(person_id))
        return None if row is None else _person(row)

    def keep_pace(self, person_id: int, pace: float) -> None:
        """The person said yes to keeping a pace for next time: their next routine starts at it.
        (Slower and faster change only the run they are said in.)"""
        _check_person_id(person_id)
        if pace not in engine.PACE_LEVELS:
            raise ValueError(f"pace must be one of {list(engine.PACE_LEVELS)}, not {pace!r}.")
        with self.store.write() as conn:
            self._require_person(conn, person_id)
            people_db.set_pace(conn, person_id, pace)

    def pace_to_offer(self, view: SessionView | None, person: Person) -> float | None:
        """The pace of a finished run that is not the person's usual one (so keeping it is worth
        offering), or None. A run stopped for pain offers nothing."""
        if view is None or not view.state.done or view.state.outcome == "pain":
            return None
        return view.state.pace if view.state.pace != person.pace else None

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

    def acknowledge_safety(self, person_id: int) -> None:
        """The person has taken in the safety notice (read aloud in full, or seen and confirmed)."""
        _check_person_id(person_id)
        with self.store.write() as conn:
            self._require_person(conn, person_id)
            people_db.mark_safety_heard(conn, person_id, self.clock())

    def devices(self, person_id: int) -> list[Device]:
        with self.store.read() as conn:
            rows = people_db.devices_of(conn, _check_person_id(person_id))
        return [Device(r.id, r.kind, r.label, r.created_at, r.last_seen_at) for r in rows]

    def unlink(self, person_id: int, device_id: int) -> bool:
        """Detach a device from the person; it starts afresh as a new person when next seen.

        Returns False (and changes nothing) when the device is not this person's. Unlinking the
        person's last device deletes the person: nothing could ever reach their data again.
        """
        _check_person_id(person_id)
        with self.store.write() as conn:
            if not people_db.remove_device(conn, device_id, person_id):
                return False
            last = people_db.device_count(conn, person_id) == 0
            if last:
                self._delete_person(conn, person_id)
        if last:
            self._checkpoint_soon()
        return True

    def forget_device(self, kind: str, external_id: str) -> bool:
        """The skill was disabled: delete the person this device belongs to, with every device of it,
        and for an Alexa account every recognised voice on it (`person_for_speaker`).

        A linked phone's data was merged into the speaker's person, so deleting only the device
        would keep it; the phone starts afresh as a new person when next seen. Returns False when
        nothing of the device was known.
        """
        people_db.check_device(kind, external_id)
        with self.store.read() as conn:
            device = people_db.find_device(conn, kind, external_id)
            voices = (
                people_db.people_of_account(conn, people_db.account_key(external_id))
                if kind == "alexa"
                else []
            )
        owners = dict.fromkeys([*([device.person_id] if device is not None else []), *voices])
        return sum(self.forget_person(person_id) is not None for person_id in owners) > 0

    def forget_person(self, person_id: int) -> dict[str, int] | None:
        """ "Forget me": delete everything stored about the person, every device included.

        Returns the rows deleted per table, or None when there was no such person. Their live
        streams end at once; the SQLite WAL is checkpointed soon after, off the caller's path.
        """
        _check_person_id(person_id)
        with self.store.write() as conn:
            if people_db.find_person(conn, person_id) is None:
                return None
            deleted = self._delete_person(conn, person_id)
        self._checkpoint_soon()
        return deleted

    def export_person(self, person_id: int) -> dict[str, Any] | None:
        """Everything stored about the person (person_data.export_person), or None when unknown."""
        with self.store.read() as conn:
            return person_data.export_person(conn, _check_person_id(person_id))

    def _delete_person(self, conn: Connection, person_id: int) -> dict[str, int]:
        deleted = person_data.delete_person(conn, person_id)
        if self.bus is not None:
            self.bus.publish_ended(conn, person_id)  # after the delete: SQLite's notice row survives it
        return deleted

    def _checkpoint_soon(self) -> threading.Thread:
        """Checkpoint the WAL in the background: it waits for readers, and the caller need not."""
        thread = threading.Thread(target=self.store.checkpoint, name="psoas-checkpoint", daemon=True)
        thread.start()
        self.last_checkpoint = thread  # tests join it
        return thread

    # --- sessions ---------------------------------------------------------------------

    def _routine(self, routine_id: object) -> Routine | None:
        """The routine for an id (curated or assembled), or None when the catalogue has no such routine."""
        if not isinstance(routine_id, str) or not routine_id.strip():
            return None
        try:
            return self.catalogue.routine(routine_id)
        except (KeyError, ValueError):  # unknown id, or a malformed assembled id (CatalogueError)
            return None

    def _view(
        self,
        state: engine.SessionState,
        routine: Routine,
        now: float,
        settled: engine.SessionState | None = None,
    ) -> SessionView:
        """The view at `now`; `settled`: `engine.settle(state, ...)` at `now`, when worked out already."""
        if settled is None:
            settled = engine.settle(state, routine, self.catalogue, now)
        position = engine.position(settled, routine, self.catalogue, now)
        # The state with the old engine's phase fields, which the voice still reads (worked out
        # when first read: the phone reads none of them).
        shown = legacy_view(settled, routine, self.catalogue, now)
        return SessionView(shown, routine, position, stored=state)

    def _load(self, conn: Connection, person_id: int) -> _Loaded | None:
        """The stored session, decoded; None when there is none. A session whose routine the
        catalogue no longer has keeps `routine` None (its state cannot be laid on a timeline)."""
        return self._decode(sessions_db.load(conn, person_id))

    def _load_with_person(
        self, conn: Connection, person_id: int
    ) -> tuple[people_db.PersonRow, _Loaded | None]:
        """The person (ValueError when there is none) and their session, in one round trip."""
        found = sessions_db.load_with_person(conn, person_id)
        if found is None:
            raise ValueError(f"No person with id {person_id}.")
        return found[0], self._decode(found[1])

    def _decode(self, stored: sessions_db.StoredSession | None) -> _Loaded | None:
        if stored is None:
            return None
        # Every read of a session that has not changed decodes the same text: decoded once.
        found = self._decoded.get(stored.text)
        if found is None:
            data = stored.state
            routine = self._routine(data.get("routine_id"))
            state = None if routine is None else engine.SessionState.from_dict(data, routine, self.catalogue)
            found = (routine, state)
            if len(self._decoded) >= DECODED_STATES_KEPT:
                self._decoded.clear()
            self._decoded[stored.text] = found
        return _Loaded(stored.version, found[1], found[0])

    def _finish_by_time(self, conn: Connection, person_id: int, loaded: _Loaded, now: float) -> _Loaded:
        """Once the timeline has run out, write the done state (compare-and-set, a new version)
        and its history row, exactly once however many readers notice it."""
        if loaded.state is None or loaded.routine is None:
            return loaded
        settled = engine.settle(loaded.state, loaded.routine, self.catalogue, now)
        if settled.done == loaded.state.done:
            return loaded
        finished = replace(settled, version=loaded.version + 1)
        self._compare_and_set(conn, person_id, loaded.version, finished, now)
        self._record_history(conn, person_id, finished, loaded.routine, now)
        self._publish(conn, person_id, finished.version)
        return _Loaded(finished.version, finished, loaded.routine)

    def _record_history(
        self,
        conn: Connection,
        person_id: int,
        state: engine.SessionState,
        routine: Routine,
        now: float,
        *,
        last: engine.Position | None = None,
    ) -> None:
        """The finished run's history row (exactly once: its unique key), with what was done in it.
        `last`: where the run was when it ended (default: the state's own position then)."""
        finished_at = state.finished_at if state.finished_at is not None else now
        outcome = state.outcome or "stopped"
        # The run is history now: a next run starting at the same clock reading must not reuse it.
        self._done_in_run.pop((person_id, state.started_at), None)
        if last is None:
            last = engine.position(state, routine, self.catalogue, finished_at)
        details = self._run_details(conn, person_id, state, routine, last, outcome)
        history_db.record_once(
            conn, person_id, state.routine_id, state.started_at, finished_at, outcome, details
        )

    def _loaded_view(self, loaded: _Loaded | None, now: float) -> SessionView | None:
        if loaded is None or loaded.routine is None or loaded.state is None:
            return None
        return self._view(loaded.state, loaded.routine, now)

    @staticmethod
    def _require_person(conn: Connection, person_id: int) -> people_db.PersonRow:
        row = people_db.find_person(conn, person_id)
        if row is None:
            raise ValueError(f"No person with id {person_id}.")
        return row

    def current(self, person_id: int) -> SessionView | None:
        """The person's session as of now (time-only progress applied, a finished timeline
        recorded), or None."""
        now = self.clock()
        loaded = self._decode(sessions_db.read(self.store, _check_person_id(person_id)))
        return self._current_of(person_id, loaded, now)

    def session_version(self, person_id: int) -> int | None:
        """The stored session's version, or None when there is none: one indexed column, for a
        live stream's quiet check that nothing changed unnoticed (no decode, no view)."""
        with self.store.read() as conn:
            return sessions_db.version(conn, _check_person_id(person_id))

    def device_session(
        self, kind: str, external_id: str, *, label: str | None = None, account: str | None = None
    ) -> tuple[Person, SessionView | None]:
        """`person_for_device` and then `current`, in one read while the device was seen lately
        (else, first sight or a stale last-seen time, the two calls as they are)."""
        people_db.check_device(kind, external_id)
        now = self.clock()
        found = sessions_db.read_for_device(self.store, kind, external_id)
        if found is None or now - found[0] >= LAST_SEEN_RESOLUTION_SECONDS:
            person = self.person_for_device(kind, external_id, label=label, account=account)
            return person, self.current(person.id)
        return _person(found[1]), self._current_of(found[1].id, self._decode(found[2]), now)

    def _current_of(self, person_id: int, loaded: _Loaded | None, now: float) -> SessionView | None:
        if loaded is None or loaded.state is None or loaded.routine is None:
            return None
        settled = engine.settle(loaded.state, loaded.routine, self.catalogue, now)
        if settled.done and not loaded.state.done:
            return self._settle_stored(person_id)  # the timeline ran out: recorded, exactly once
        return self._view(loaded.state, loaded.routine, now, settled)

    def _settle_stored(self, person_id: int) -> SessionView | None:
        for _ in range(MAX_CAS_ATTEMPTS):
            try:
                with self.store.write() as conn:
                    now = self.clock()
                    loaded = self._load(conn, person_id)
                    if loaded is not None:
                        loaded = self._finish_by_time(conn, person_id, loaded, now)
                    return self._loaded_view(loaded, now)
            except _Conflict:
                continue
        raise RuntimeError("The session kept changing; please try again.")

    def cues(self, view: SessionView, start: float, until: float) -> list[Cue]:
        """What a front end says or shows when (the engine's cue schedule) between two times."""
        return engine.cues(view.state, view.routine, self.catalogue, start, until)

    def timeline(self, person_id: int) -> dict[str, Any] | None:
        """The person's session as timeline data for the phone's player (docs/architecture.md,
        Engine: "Timeline data"), or None when there is no session."""
        view = self.current(person_id)
        if view is None:
            return None
        data = engine.timeline_data(view.state, view.routine, self.catalogue, self.clock())
        data["routine_name"] = view.routine.name
        return data

    def timeline_of(self, view: SessionView) -> dict[str, Any]:
        """Timeline data (as `timeline`) of a view already in hand, e.g. the one a command just
        returned: the voice words its response from these cues without reading the store again."""
        data = engine.timeline_data(view.state, view.routine, self.catalogue, self.clock())
        data["routine_name"] = view.routine.name
        return data

    def history(self, person_id: int) -> list[HistoryEntry]:
        """Finished sessions, newest first (a routine whose timeline has just run out included)."""
        self.current(person_id)  # records a run that finished by time and was not read since
        with self.store.read() as conn:
            rows = history_db.for_person(conn, _check_person_id(person_id))
        entries = []
        for r in rows:
            routine = self._routine(r.routine_id)
            name = routine.name if routine is not None else r.routine_id
            entries.append(
                HistoryEntry(
                    r.routine_id,
                    name,
                    r.session_started_at,
                    r.finished_at,
                    r.outcome,
                    r.details,
                    r.pain_after,
                )
            )
        return entries

    def exercises_done(self, person_id: int, *, running: SessionView | None = None) -> frozenset[str]:
        """Ids of the exercises in every routine the person has finished or stopped (their history):
        what they have seen before, so the voice can give a short cue instead of the full steps.

        One read of the history's routine ids, and of the session: only a run whose timeline has run
        out unrecorded takes the long way (`history`, which records it first). `running`: the
        session as the caller has just read it (a command's or `current`'s view); when it is not
        done, it is not a run waiting to be recorded, the session is not read again, and the answer
        is kept for the rest of that run (its history cannot change until it ends; a phone paired
        mid-run whose history is merged in counts from the next run)."""
        known_running = running is not None and not running.state.done
        run_key = (person_id, running.state.started_at) if running is not None and known_running else None
        if run_key is not None and (cached := self._done_in_run.get(run_key)) is not None:
            return cached
        now = self.clock()
        with self.store.read() as conn:
            routine_ids = history_db.routine_ids(conn, _check_person_id(person_id))
            loaded = None if known_running else self._load(conn, person_id)
        if (
            loaded is not None
            and loaded.state is not None
            and loaded.routine is not None
            and not loaded.state.done
            and engine.settle(loaded.state, loaded.routine, self.catalogue, now).done
        ):
            routine_ids = {entry.routine_id for entry in self.history(person_id)}
        done: set[str] = set()
        for routine_id in routine_ids:
            routine = self._routine(routine_id)
            if routine is not None:
                done.update(routine.exercise_ids)
        found = frozenset(done)
        if run_key is not None:
            if len(self._done_in_run) >= DONE_IN_RUN_CACHE:
                self._done_in_run.clear()
            self._done_in_run[run_key] = found
        return found

    def command(
        self,
        person_id: int,
        name: str,
        expected_version: int | None = None,
        *,
        routine_id: str | None = None,
        at: float | None = None,
        source: Source = "phone",
        safety_acknowledged: bool = False,
        mode: str | None = None,
        segment: int | None = None,
        voice_until: float | None = None,
        based_on: SessionView | None = None,
    ) -> CommandOutcome:
        """Apply a session command for the person. See docs/architecture.md (Service).

        `based_on`: the view a command (or `current`) returned moments ago in the same request,
        e.g. the voice's barrier right after its "next". The command is applied to that view's
        stored state and written with the same compare-and-set on its version, without reading
        the session first; if anyone wrote since (the version moved on), it is re-applied to the
        fresh state as always. Versions only count up, so the version names the stored state.

        "start" for someone who has not yet taken in the safety notice is refused with status
        "safety_notice" unless `safety_acknowledged` says the front end has just given it (the
        acknowledgement is then recorded in the same transaction as the start).
        """
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
        for attempt in range(MAX_CAS_ATTEMPTS):
            try:
                with self.store.write() as conn:
                    if name == "start":
                        return self._start(conn, person_id, routine_id, expected_version, safety_acknowledged)
                    command = engine.Command(
                        name,
                        expected_version,
                        at,
                        mode=mode,
                        segment=segment,
                        source=source,
                        voice_until=voice_until,
                    )
                    return self._apply(conn, person_id, command, source, based_on if attempt == 0 else None)
            except _Conflict:
                continue
            except IntegrityError:
                continue  # two first "start"s raced to insert the session row; re-run against the winner
        raise RuntimeError("The session kept changing under this command; please try again.")

    def plan(
        self,
        based_on: SessionView,
        name: str,
        expected_version: int | None = None,
        *,
        at: float | None = None,
        source: Source = "phone",
        segment: int | None = None,
        voice_until: float | None = None,
    ) -> PlannedCommand | None:
        """A navigation command worked out on a view in hand, without writing: what `command` with
        `based_on=view` would do if nobody has written since. `commit` writes one or more plans in
        one transaction, so a front end that follows a command with another (the voice's barrier
        after its "next") pays one write. None when the command must go the usual way: not a
        plain move on the timeline (PLANNABLE), refused, ending the run, or a timeline that has
        run out (which writes a history row)."""
        known = based_on.stored
        if name not in PLANNABLE or known is None or expected_version not in (None, known.version):
            return None
        now = self.clock()
        routine = based_on.routine
        if engine.settle(known, routine, self.catalogue, now).done != known.done:
            return None
        command = engine.Command(
            name, expected_version, at, segment=segment, source=source, voice_until=voice_until
        )
        result = engine.apply(known, command, routine, self.catalogue, now)
        if result.status != "applied" or result.finished:
            return None
        view = self._view(result.state, routine, now)
        outcome = CommandOutcome("applied", result.message, view)
        return PlannedCommand(command, source, known, result.state, now, outcome)

    def commit(self, person_id: int, plans: list[PlannedCommand]) -> CommandOutcome:
        """Write planned commands, each planned on the view the one before returned, in one
        transaction: one compare-and-set from the version the first was planned on to the last's
        state, the run's device note, one bus notice. A plain move along the timeline writes
        nothing else (`plan` refuses the rest), and the engine is pure, so this stores what the
        commands one by one would have. Raises SessionMoved, writing nothing, when the session
        changed since the first was planned: the caller works its answer out again."""
        _check_person_id(person_id)
        if not plans:
            raise ValueError("commit needs at least one planned command")
        for earlier, later in zip(plans, plans[1:], strict=False):
            if later.before is not earlier.after:
                raise ValueError("each planned command must be planned on the view the one before returned")
        last = plans[-1].after
        try:
            with self.store.write() as conn:
                self._compare_and_set(conn, person_id, plans[0].before.version, last, plans[-1].now)
                for source in sorted({p.source for p in plans if p.before.last_source != p.source}):
                    settings_db.note(conn, person_id, last.started_at, "device", source)
                self._publish(conn, person_id, last.version)
        except _Conflict:
            raise SessionMoved() from None
        return plans[-1].outcome

    def _apply(
        self,
        conn: Connection,
        person_id: int,
        command: engine.Command,
        source: Source,
        based_on: SessionView | None = None,
    ) -> CommandOutcome:
        now = self.clock()
        name = command.name
        known = based_on.stored if based_on is not None else None
        unread = (
            based_on is not None and known is not None and command.expected_version in (None, known.version)
        )
        if unread and based_on is not None and known is not None:
            # Its compare-and-set below fails (a _Conflict, then a retry that reads) if it is stale.
            loaded: _Loaded | None = _Loaded(known.version, known, based_on.routine)
        else:
            _, loaded = self._load_with_person(conn, person_id)
        if loaded is None:
            return CommandOutcome("illegal", NO_SESSION, None)
        routine = loaded.routine
        if routine is None or loaded.state is None:
            return CommandOutcome("illegal", "That routine is no longer available. Start another one.", None)
        loaded = self._finish_by_time(conn, person_id, loaded, now)
        assert loaded.state is not None  # _finish_by_time keeps a decodable state

        result = engine.apply(loaded.state, command, routine, self.catalogue, now)
        if result.status != "applied":
            if unread:  # an answer about a state nobody checked in the database: read it and re-apply
                raise _Conflict()
            return CommandOutcome(result.status, result.message, self._view(result.state, routine, now))

        new = result.state
        # A pace change ("slower", "faster") is this run's: `keep_pace` stores it for next time.
        self._compare_and_set(conn, person_id, loaded.version, new, now)
        # Where the run was before the command: only a skip, a pain report or a run's end needs it.
        needs_before = name in ("skip", "pain", "start_over") or result.finished
        before = engine.position(loaded.state, routine, self.catalogue, now) if needs_before else None
        if name == "start_over" and not loaded.state.done:  # the run started over is recorded as stopped
            stopped = replace(loaded.state, outcome="stopped", finished_at=now)
            self._record_history(conn, person_id, stopped, routine, now, last=before)
        # The run's devices: a state this source already wrote in this run was written with its note
        # (in the same transaction), so only a new run or another source needs one (a statement less
        # for most commands). After the history of a run started over, which takes its run's notes.
        if loaded.state.last_source != source or loaded.state.started_at != new.started_at:
            settings_db.note(conn, person_id, new.started_at, "device", source)
        if name == "skip" and before is not None:
            settings_db.note(conn, person_id, loaded.state.started_at, "skipped", str(before.exercise.id))
        if name == "pain" and before is not None:
            # Where they were when it hurt: the position before the command.
            rep = before.rep if before.phase == "holding" else None
            pain_db.record(
                conn, person_id, now, getattr(before.exercise, "id", None), source, side=before.side, rep=rep
            )
        if result.finished:
            self._record_history(conn, person_id, new, routine, now, last=before)
        self._publish(conn, person_id, new.version)
        return CommandOutcome("applied", result.message, self._view(new, routine, now), result.finished)

    def _start(
        self,
        conn: Connection,
        person_id: int,
        routine_id: str | None,
        expected_version: int | None,
        safety_acknowledged: bool,
    ) -> CommandOutcome:
        now = self.clock()
        person, loaded = self._load_with_person(conn, person_id)
        if loaded is not None:
            loaded = self._finish_by_time(conn, person_id, loaded, now)
        routine = self._routine(routine_id) if routine_id is not None else None
        if routine is None:
            message = (
                "Say which routine to start."
                if routine_id is None
                else f"There's no routine called {routine_id!r}."
            )
            return CommandOutcome("illegal", message, self._loaded_view(loaded, now))
        if loaded is not None and expected_version is not None and expected_version != loaded.version:
            view = self._loaded_view(loaded, now)
            return CommandOutcome("duplicate", "The session already changed on another device.", view)
        if person.safety_heard_at is None:
            if not safety_acknowledged:
                return CommandOutcome("safety_notice", SAFETY_NOTICE_FIRST, self._loaded_view(loaded, now))
            people_db.mark_safety_heard(conn, person_id, now)
        if loaded is not None and loaded.state is not None and not loaded.state.done:
            # A routine started over a running one: the first is recorded as stopped.
            if loaded.routine is not None:
                stopped = replace(loaded.state, outcome="stopped", finished_at=now)
                last = engine.position(loaded.state, loaded.routine, self.catalogue, now)
                self._record_history(conn, person_id, stopped, loaded.routine, now, last=last)
        # A replacement keeps counting up, so every device notices the new session.
        version = loaded.version + 1 if loaded is not None else 1
        new = engine.start(routine, self.catalogue, now, pace=person.pace, version=version, mode=person.mode)
        if loaded is None:
            sessions_db.create(conn, person_id, new.to_dict(), now)
        else:
            self._compare_and_set(conn, person_id, loaded.version, new, now)
        self._publish(conn, person_id, new.version)
        return CommandOutcome("applied", "", self._view(new, routine, now))

    def _run_details(
        self,
        conn: Connection,
        person_id: int,
        new: engine.SessionState,
        routine: Routine,
        last: engine.Position,
        outcome: str,
    ) -> RunDetails:
        """The finished run's exercises, pace, devices, zone and before check-in, for its history row."""
        notes = settings_db.take_notes(conn, person_id, new.started_at)
        skipped = notes.get("skipped", ())
        ids = list(routine.exercise_ids)
        reached = len(ids) if outcome == "completed" else last.exercise_index
        done = tuple(i for i in ids[:reached] if i not in skipped)
        prefs = settings_db.get(conn, person_id)
        if prefs.pending_before is not None:
            settings_db.put(conn, person_id, pending_before=None)
        return RunDetails(
            done, skipped, new.pace, notes.get("device", ()), prefs.time_zone, prefs.pending_before
        )

    @staticmethod
    def _compare_and_set(
        conn: Connection, person_id: int, old_version: int, new: engine.SessionState, now: float
    ) -> None:
        if not sessions_db.compare_and_set(conn, person_id, old_version, new.to_dict(), now):
            raise _Conflict()

    # --- pain, check-ins, settings -------------------------------------------------------

    def settings(self, person_id: int) -> Settings:
        with self.store.read() as conn:
            return settings_db.get(conn, _check_person_id(person_id))

    def _put_settings(self, person_id: int, **values: object) -> None:
        _check_person_id(person_id)
        with self.store.write() as conn:
            self._require_person(conn, person_id)
            settings_db.put(conn, person_id, **values)

    def set_checkins(self, person_id: int, on: bool) -> None:
        """Pain check-ins before and after a routine, on or off: one setting for both sides."""
        self._put_settings(person_id, checkins_on=bool(on))

    def set_time_zone(self, person_id: int, name: str) -> None:
        """The person's IANA time zone (the browser's); the voice uses it when Alexa gives none."""
        zone(name)  # ValueError for an unknown name, before anything is stored
        self._put_settings(person_id, time_zone=name)

    def red_flag_screen(self, person_id: int) -> tuple[float | None, tuple[str, ...]]:
        """When the once-only red-flag screen was answered (None: not yet), and the flags ticked then."""
        prefs = self.settings(person_id)
        return prefs.screen_answered_at, prefs.screen_flags

    def answer_red_flag_screen(self, person_id: int, flags: tuple[str, ...] | None) -> PainAdvice | None:
        """Store the screen's answer; the see-a-clinician advice when any red flag was ticked.

        `flags` None: a spoken "yes" to all of them at once (stored as every flag id)."""
        guide = load_pain_guide()
        if flags is None:
            self._put_settings(
                person_id, screen_answered_at=self.clock(), screen_flags=tuple(f.id for f in guide.red_flag)
            )
            text = guide.red_flags.advice.format(flag=guide.red_flags.any_flag)
            return PainAdvice("red_flag", text, ("stop",), red_flags=tuple(f.id for f in guide.red_flag))
        known = {flag.id for flag in guide.red_flag}
        unknown = [f for f in flags if f not in known]
        if unknown:
            raise ValueError(f"unknown red flags {unknown!r}")
        ordered = tuple(f.id for f in guide.red_flag if f.id in flags)
        self._put_settings(person_id, screen_answered_at=self.clock(), screen_flags=ordered)
        if not ordered:
            return None
        return advise(PainReading(None, False, ordered), guide)

    def record_pain(self, person_id: int, score: int | None, words: str = "") -> PainAdvice:
        """The graded answer after "it hurts": score (0-10, None when skipped) and any words said.

        Grades the report the pain command stored (the exercise, side and rep where it happened);
        with no recent one, stores a new report against the current position. Returns the advice
        both front ends give, from pain.toml.
        """
        guide = load_pain_guide()
        _check_score(score, guide.scale_max)
        heard = read_pain(words, guide)
        given = score if score is not None else heard.score
        reading = PainReading(given, heard.sharp, heard.red_flags)
        now = self.clock()
        _check_person_id(person_id)
        with self.store.write() as conn:
            self._require_person(conn, person_id)
            if not pain_db.grade_latest(
                conn, person_id, now - GRADE_WINDOW_SECONDS, given, reading.red_flags
            ):
                view = self._loaded_view(self._load(conn, person_id), now)
                where = view.position if view is not None else None
                pain_db.record(
                    conn,
                    person_id,
                    now,
                    getattr(where.exercise, "id", None) if where else None,
                    "phone",
                    side=where.side if where else None,
                    rep=where.rep if where else None,
                )
                pain_db.grade_latest(conn, person_id, now, given, reading.red_flags)
        if score is None and not words.strip():
            # Skipped: no number to grade, so the generic stop advice (the count has already stopped).
            return PainAdvice("stop", guide.band_for(guide.scale_max).advice, ("stop",))
        return advise(reading, guide)

    def carry_on_after_pain(self, person_id: int, how: str, source: Source = "phone") -> CommandOutcome:
        """After "it hurts" and a graded score, the choice the advice offered: "continue" (the set
        that hurt starts again), "ease_off" (the same, with shorter holds) or "skip_exercise" (the
        next exercise). Refused unless the latest run stopped for pain within the grading window
        and its graded score's band offers that choice (never after a red flag or an ungraded stop).
        """
        if how not in engine.PICK_UPS:
            raise ValueError(f"how must be one of {engine.PICK_UPS}, not {how!r}")
        guide = load_pain_guide()
        _check_person_id(person_id)
        now = self.clock()
        with self.store.write() as conn:
            _, loaded = self._load_with_person(conn, person_id)
            state = loaded.state if loaded is not None else None
            if loaded is None or loaded.routine is None or state is None or state.outcome != "pain":
                return CommandOutcome("illegal", NOT_STOPPED_FOR_PAIN, self._loaded_view(loaded, now))
            report = pain_db.latest(conn, person_id)
            offered = (
                report is not None
                and report.score is not None
                and not report.red_flags
                and state.finished_at is not None
                and now - state.finished_at <= GRADE_WINDOW_SECONDS
                and how in guide.band_for(report.score).choices
            )
            if not offered:
                return CommandOutcome("illegal", NOT_OFFERED, self._loaded_view(loaded, now))
            new = engine.pick_up(state, how, loaded.routine, self.catalogue, now)
            if new is None:
                return CommandOutcome("illegal", NOTHING_LEFT, self._loaded_view(loaded, now))
            new = replace(new, last_source=source, last_command=how)
            self._compare_and_set(conn, person_id, loaded.version, new, now)  # an eased pace is this run's
            settings_db.note(conn, person_id, new.started_at, "device", source)
            self._publish(conn, person_id, new.version)
            return CommandOutcome("applied", "", self._view(new, loaded.routine, now))

    def pain_reports(self, person_id: int) -> list[PainReport]:
        """Every "it hurts", newest first, with the exercise's name where the catalogue still has it."""
        with self.store.read() as conn:
            rows = pain_db.for_person(conn, _check_person_id(person_id))
        return [
            PainReport(r.at, r.exercise_id, self._exercise_name(r.exercise_id), r.score, r.side, r.rep)
            for r in rows
        ]

    def _exercise_name(self, exercise_id: str | None) -> str | None:
        if exercise_id is None:
            return None
        try:
            return str(self.catalogue.exercise(exercise_id).name)
        except KeyError:
            return exercise_id

    def checkin(self, person_id: int, when: CheckinWhen, score: int | None) -> bool:
        """A before/after "how is your back, 0 to 10?" answer. False (nothing stored) when check-ins
        are off, or for "after" with no finished run to put it on."""
        if when not in ("before", "after"):
            raise ValueError(f"when must be 'before' or 'after', not {when!r}")
        _check_score(score, load_pain_guide().scale_max)
        _check_person_id(person_id)
        with self.store.write() as conn:
            self._require_person(conn, person_id)
            if not settings_db.get(conn, person_id).checkins_on:
                return False
            if when == "before":
                settings_db.put(conn, person_id, pending_before=score)
                return True
            return history_db.set_pain_after(conn, person_id, score)

    def needs_followup(self, person_id: int) -> Followup | None:
        """Whether this visit should start with "how does it feel today?": the latest run stopped for
        pain, or its pain rose (after > before), and the question was not asked since."""
        with self.store.read() as conn:
            last = history_db.latest(conn, _check_person_id(person_id))
            if last is None:
                return None
            prefs = settings_db.get(conn, person_id)
            last_pain = pain_db.latest(conn, person_id) if last.outcome == "pain" else None
        if prefs.followup_done_at is not None and prefs.followup_done_at >= last.finished_at:
            return None
        before, after = last.details.pain_before, last.pain_after
        if last.outcome == "pain":
            return Followup("pain_stop", last_pain.score if last_pain is not None else after)
        if before is not None and after is not None and after > before:
            return Followup("pain_rose", after)
        return None

    def last_routine_id(self, person_id: int) -> str | None:
        """The routine of the person's newest run that the catalogue still has (what the voice
        offers again on launch), from their newest few runs; None when there is none. Reads only
        the history: a run that has just run out is recorded by the session read before it."""
        with self.store.read() as conn:
            recent = history_db.recent_routine_ids(conn, _check_person_id(person_id), RECENT_RUNS_LOOKED_AT)
        return next((r for r in recent if r in self.catalogue.routines), None)

    def answer_followup(self, person_id: int, score: int | None) -> bool:
        """Today's score for the follow-up; True when it is worse than last time (suggest gentler)."""
        _check_score(score, load_pain_guide().scale_max)
        followup = self.needs_followup(person_id)
        self._put_settings(person_id, followup_done_at=self.clock())
        if followup is None or score is None or followup.last_score is None:
            return False
        return score > followup.last_score

    def gentler_routine(self, avoid: str | None = None) -> Routine:
        """The shortest routine in the catalogue (other than `avoid`): what "go gently today" offers."""
        routines = sorted(self.catalogue.routines.values(), key=lambda r: (r.duration_seconds, r.id))
        others = [r for r in routines if r.id != avoid]
        return (others or routines)[0]

    # --- push reminders ---------------------------------------------------------------

    def save_push_subscription(
        self, person_id: int, subscription: object, daily_at: str | None, sitting_minutes: int | None
    ) -> None:
        """Keep the phone's PushSubscription with its daily time ("HH:MM") and desk-break minutes.

        ValueError (webpush.PushConfigError) for a malformed subscription, time or minutes."""
        from shared_content import ics, webpush

        sub = webpush.Subscription.from_json(subscription)
        if daily_at is not None:
            ics.parse_time(daily_at)
        if sitting_minutes is not None and not 15 <= sitting_minutes <= 240:
            raise ValueError("the sitting time is 15 to 240 minutes")
        _check_person_id(person_id)
        with self.store.write() as conn:
            self._require_person(conn, person_id)
            push_db.save(
                conn,
                person_id,
                sub.endpoint,
                webpush.b64url(sub.p256dh),
                webpush.b64url(sub.auth),
                self.clock(),
                daily_at,
                sitting_minutes,
            )

    def remove_push_subscription(self, person_id: int, endpoint: str) -> bool:
        with self.store.write() as conn:
            return push_db.remove(conn, endpoint, _check_person_id(person_id))

    # --- pairing -------------------------------------------------------------------------

    def create_pairing_code(self, person_id: int) -> str:
        """Six digits the speaker reads out; valid for 10 minutes, once. Replaces the person's previous code."""
        _check_person_id(person_id)
        with self.store.write() as conn:
            return pairing.issue_code(conn, person_id, self.clock())

    def redeem_pairing_code(self, browser_token: str, code: str, client_ip: str | None) -> PairingOutcome:
        """Link the phone with this browser token to the person whose code it is (merging the phone's own data)."""
        return pairing.redeem(self.store, browser_token, code, client_ip, self.clock(), self._publish)


def _check_score(score: object, scale_max: int) -> None:
    if score is None:
        return
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= scale_max:
        raise ValueError(f"a pain score is a whole number from 0 to {scale_max}, not {score!r}")


__all__ = [
    "Coach",
    "Person",
    "Device",
    "HistoryEntry",
    "SessionView",
    "Followup",
    "Settings",
    "CommandOutcome",
    "PlannedCommand",
    "SessionMoved",
    "PairingOutcome",
    "NO_SESSION",
    "SAFETY_NOTICE_FIRST",
]
