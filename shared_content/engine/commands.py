"""Commands: the only way a session changes version.

`apply` first checks the version (a stale command is a "duplicate"), then settles the state
at `now` (a timeline that has run out is done), then applies the command. It never raises for
a command that makes no sense at that moment: it answers "illegal" with a sentence a person
can hear. Every jump moves the anchor: "the segment jumped to starts at `at`" (default now;
the voice passes now + its spoken lead-in), clears the pause and the barrier.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

from . import plan as plans
from .plan import paced_hold
from .segments import MODES, Template, check_mode, template_for
from .shapes import CatalogueLike, RoutineLike
from .state import SessionState
from .timeline import Cursor, anchor_length, locate_in, settle_in, template_of

COMMAND_NAMES: tuple[str, ...] = (
    "next",
    "previous",
    "repeat",
    "pause",
    "resume",
    "start_over",
    "skip",
    "skip_set",
    "skip_side",
    "finish",
    "slower",
    "faster",
    "pain",
    "set_mode",
    "continue",
    "barrier",
)

Status = Literal["applied", "duplicate", "illegal"]

ALREADY_FINISHED = "The routine is already finished."
NOT_PAUSED = "The session isn't paused."
ALREADY_PAUSED = "The session is already paused."
SLOWEST = "That's already the slowest pace."
FASTEST = "That's already the fastest pace."
LONGEST_HOLD = "The holds are as long as they can safely go."
SHORTEST_HOLD = "The holds are as short as they can go."
DUPLICATE = "The session had already moved on, so nothing was changed."
NOT_WAITING = "The routine is already going."
NO_SET_LEFT = "That was the last set of this exercise."
SAME_MODE = "That's already how the routine runs."


@dataclass(frozen=True)
class Command:
    name: str
    expected_version: int | None = None
    # When the jumped-to segment should start (voice: now + lead-in); for pause and resume, when the
    # phone tapped it offline (at most now). Default now.
    at: float | None = None
    mode: str | None = None  # set_mode: "lead" | "wait"
    segment: int | None = None  # barrier: halt at the start of this segment index (None clears it)
    # Who sent it ("phone" | "voice"), stored with the name as the state's last_source/last_command.
    source: str | None = None
    # The voice: when the response it is about to send stops sounding (kept until the next voice command).
    voice_until: float | None = None


@dataclass(frozen=True)
class Result:
    state: SessionState
    status: Status
    message: str = ""
    finished: bool = False  # True exactly when this apply moved the session into "done"
    changed: bool = False


def start(
    routine: RoutineLike,
    catalogue: CatalogueLike,
    now: float,
    pace: float = 1.0,
    version: int = 1,
    mode: str = "lead",
) -> SessionState:
    """A new run of `routine`, its first segment starting at `now`."""
    template_for(routine, catalogue, pace, mode)  # validates pace, mode, routine and exercise ids
    return SessionState(
        routine_id=routine.id,
        version=version,
        anchor_index=0,
        anchor_at=now,
        anchor_duration=None,
        pace=pace,
        mode=check_mode(mode),
        paused_at=None,
        barrier=None,
        started_at=now,
        finished_at=None,
        outcome=None,
    )


@dataclass(frozen=True)
class _Ctx:
    tpl: Template
    cursor: Cursor
    now: float
    at: float
    command: Command
    routine: RoutineLike
    catalogue: CatalogueLike


Outcome = SessionState | str | tuple[SessionState, str]


def jump(s: SessionState, index: int, at: float) -> SessionState:
    """Segment `index` starts at `at`; running (not paused), no barrier."""
    return replace(s, anchor_index=index, anchor_at=at, anchor_duration=None, paused_at=None, barrier=None)


def done(s: SessionState, now: float, outcome: Literal["completed", "stopped", "pain"]) -> SessionState:
    return replace(s, outcome=outcome, finished_at=now, paused_at=None, barrier=None)


def _to_step(s: SessionState, x: _Ctx, step: int) -> SessionState:
    if step > x.tpl.last_step:
        return done(s, x.now, "completed")
    return jump(s, x.tpl.step_start(max(0, step)), x.at)


def _continue_from_halt(s: SessionState, x: _Ctx) -> SessionState:
    """At a barrier the halted segment starts; in a wait, the segment after it does."""
    if x.cursor.halted:
        return jump(s, x.cursor.index, x.at)
    if x.cursor.index + 1 >= len(x.tpl):
        return done(s, x.now, "completed")
    return jump(s, x.cursor.index + 1, x.at)


def _cmd_next(s: SessionState, x: _Ctx) -> Outcome:
    if x.cursor.waiting:
        return _continue_from_halt(s, x)
    here = x.tpl.segments[x.cursor.index]
    if here.gap and x.cursor.index + 1 < len(x.tpl):  # a rest: its block starts now
        return jump(s, x.cursor.index + 1, x.at)
    return _to_step(s, x, here.step + 1)


def _cmd_continue(s: SessionState, x: _Ctx) -> Outcome:
    if x.cursor.waiting:
        return _continue_from_halt(s, x)
    if s.paused:
        return _cmd_resume(s, x)
    return NOT_WAITING


def _cmd_previous(s: SessionState, x: _Ctx) -> Outcome:
    return _to_step(s, x, x.tpl.segments[x.cursor.index].step - 1)


def _cmd_repeat(s: SessionState, x: _Ctx) -> Outcome:
    return _to_step(s, x, x.tpl.segments[x.cursor.index].step)


def _cmd_skip(s: SessionState, x: _Ctx) -> Outcome:
    """Straight to the next exercise's introduction (past any wait and the transition)."""
    following = x.tpl.segments[x.cursor.index].exercise_index + 1
    if x.tpl.segments[x.cursor.index].kind == "wait":
        following = x.tpl.segments[x.cursor.index + 1].exercise_index
    if following >= len(x.tpl.intros):
        return done(s, x.now, "completed")
    return jump(s, x.tpl.intros[following], x.at)


def _next_block(s: SessionState, x: _Ctx, new_set: bool) -> Outcome:
    """The start of the next block of this exercise (skip_side), or of its next set (skip_set)."""
    here = x.tpl.segments[x.cursor.index]
    for seg in x.tpl.segments[x.cursor.index + 1 :]:
        if seg.exercise_index != here.exercise_index:
            break
        is_block_start = x.tpl.step_start(seg.step) == seg.index
        if is_block_start and (not new_set or seg.set_no != here.set_no):
            return jump(s, seg.index, x.at)
    return _cmd_skip(s, x)


def _cmd_skip_side(s: SessionState, x: _Ctx) -> Outcome:
    return _next_block(s, x, new_set=False)


def _cmd_skip_set(s: SessionState, x: _Ctx) -> Outcome:
    return _next_block(s, x, new_set=True)


def _cmd_finish(s: SessionState, x: _Ctx) -> Outcome:
    last = x.tpl.segments[x.cursor.index].step == x.tpl.last_step
    return done(s, x.now, "completed" if last else "stopped")


def _cmd_pain(s: SessionState, x: _Ctx) -> Outcome:
    return done(s, x.now, "pain")


def _tapped_at(s: SessionState, x: _Ctx, earliest: float | None) -> float:
    """When a pause or resume took effect: `at` when the phone tapped it offline a while ago (never
    in the future, never before the run's anchor or the pause it ends), else now."""
    lowest = max(t for t in (earliest, s.anchor_at, s.started_at) if t is not None)
    return min(x.now, max(x.at, lowest))


def _cmd_pause(s: SessionState, x: _Ctx) -> Outcome:
    return ALREADY_PAUSED if s.paused else replace(s, paused_at=_tapped_at(s, x, None))


def _cmd_resume(s: SessionState, x: _Ctx) -> Outcome:
    if s.paused_at is None:
        return NOT_PAUSED
    shift = _tapped_at(s, x, s.paused_at) - s.paused_at
    return replace(s, paused_at=None, anchor_at=None if s.anchor_at is None else s.anchor_at + shift)


def _reanchor_here(s: SessionState, x: _Ctx) -> SessionState:
    """The same timeline, anchored at the segment running now with its start and length fixed,
    so a new template (pace, mode) applies from the next segment boundary."""
    c = x.cursor
    if c.halted and s.anchor_at is not None:  # at a barrier: the segment before it has just ended
        index = c.index - 1
        if index == s.anchor_index:
            return replace(s, anchor_duration=anchor_length(s, x.tpl))
        ended = x.tpl.segments[index]
        assert ended.duration is not None
        return replace(
            s, anchor_index=index, anchor_at=_halt_time(s, x.tpl) - ended.duration, anchor_duration=None
        )
    if c.start is None:
        return s  # halted at an unstarted anchor: nothing has run yet
    if c.index == s.anchor_index:
        return replace(s, anchor_duration=anchor_length(s, x.tpl))
    duration = x.tpl.segments[c.index].duration
    return replace(
        s,
        anchor_index=c.index,
        anchor_at=c.start,
        anchor_duration=None if duration is None else float(duration),
    )


def _halt_time(s: SessionState, tpl: Template) -> float:
    """When the segments from the anchor reach the barrier."""
    assert s.anchor_at is not None and s.barrier is not None
    length = anchor_length(s, tpl)
    assert length is not None
    return s.anchor_at + length + (tpl.offsets[s.barrier] - tpl.offsets[s.anchor_index + 1])


def _change_pace(s: SessionState, x: _Ctx, pace: float | None, at_limit: str) -> Outcome:
    if pace is None:
        return at_limit
    exercise = x.routine.exercise(x.catalogue, x.tpl.segments[x.cursor.index].exercise_id)
    changed = replace(_reanchor_here(s, x), pace=pace)
    if exercise.kind == "guidance":
        return changed
    after = paced_hold(exercise.hold_seconds, pace)
    low, high = plans.hold_limits(exercise.hold_seconds)
    if pace > s.pace and after == high:
        return changed, LONGEST_HOLD
    if pace < s.pace and after == low:
        return changed, SHORTEST_HOLD
    return changed


def _cmd_slower(s: SessionState, x: _Ctx) -> Outcome:
    return _change_pace(s, x, plans.slower(s.pace), SLOWEST)


def _cmd_faster(s: SessionState, x: _Ctx) -> Outcome:
    return _change_pace(s, x, plans.faster(s.pace), FASTEST)


def _cmd_set_mode(s: SessionState, x: _Ctx) -> Outcome:
    if x.command.mode not in MODES:
        return f"The mode must be one of {', '.join(MODES)}."
    mode = check_mode(x.command.mode)
    if mode == s.mode:
        return SAME_MODE
    here = _reanchor_here(s, x)
    new_tpl = template_for(x.routine, x.catalogue, s.pace, mode)
    old = x.tpl.segments[here.anchor_index]
    key = (old.exercise_index, old.kind, old.side, old.set_no, old.rep)
    for seg in new_tpl.segments:
        if (seg.exercise_index, seg.kind, seg.side, seg.set_no, seg.rep) == key:
            return replace(here, mode=mode, anchor_index=seg.index, barrier=None)
    # A wait that "lead me through" does not have: go on with what follows it, now.
    following = x.tpl.segments[here.anchor_index + 1]
    for seg in new_tpl.segments:
        if (seg.exercise_index, seg.kind) == (following.exercise_index, following.kind):
            return replace(jump(here, seg.index, x.at), mode=mode, paused_at=s.paused_at)
    raise AssertionError("every segment but a wait exists in both modes")


def _cmd_barrier(s: SessionState, x: _Ctx) -> Outcome:
    index = x.command.segment
    if index is None:
        return replace(s, barrier=None)
    passed = index < x.cursor.index or (index == x.cursor.index and not x.cursor.halted)
    if not s.anchor_index < index < len(x.tpl) or passed:
        return "That point of the routine has already passed."
    return replace(s, barrier=index)


_HANDLERS: dict[str, Callable[[SessionState, _Ctx], Outcome]] = {
    "next": _cmd_next,
    "continue": _cmd_continue,
    "previous": _cmd_previous,
    "repeat": _cmd_repeat,
    "skip": _cmd_skip,
    "skip_set": _cmd_skip_set,
    "skip_side": _cmd_skip_side,
    "finish": _cmd_finish,
    "pain": _cmd_pain,
    "pause": _cmd_pause,
    "resume": _cmd_resume,
    "slower": _cmd_slower,
    "faster": _cmd_faster,
    "set_mode": _cmd_set_mode,
    "barrier": _cmd_barrier,
}


def apply(
    state: SessionState, command: Command, routine: RoutineLike, catalogue: CatalogueLike, now: float
) -> Result:
    """Apply one command at `now`. See the module docstring and docs/architecture.md (Engine)."""
    if command.expected_version is not None and command.expected_version != state.version:
        return Result(state, "duplicate", DUPLICATE)
    if command.name == "start_over":
        fresh = start(routine, catalogue, now, pace=state.pace, version=state.version + 1, mode=state.mode)
        if command.source is not None:
            fresh = replace(fresh, last_source=command.source, last_command=command.name)
            if command.source == "voice":
                fresh = replace(fresh, voice_until=command.voice_until)
        return Result(fresh, "applied", changed=True)
    handler = _HANDLERS.get(command.name)
    if handler is None:
        return Result(state, "illegal", f"Unknown command: {command.name!r}.")
    tpl = template_of(state, routine, catalogue)
    settled = settle_in(state, tpl, now)
    if settled.done:
        return Result(state, "illegal", ALREADY_FINISHED)
    ctx = _Ctx(
        tpl,
        locate_in(settled, tpl, now),
        now,
        command.at if command.at is not None else now,
        command,
        routine,
        catalogue,
    )
    outcome = handler(settled, ctx)
    message = ""
    if isinstance(outcome, tuple):
        outcome, message = outcome
    if isinstance(outcome, str):
        return Result(state, "illegal", outcome)
    new_state = replace(
        outcome,
        version=state.version + 1,
        last_source=command.source if command.source is not None else outcome.last_source,
        last_command=command.name if command.source is not None else outcome.last_command,
        voice_until=command.voice_until if command.source == "voice" else outcome.voice_until,
    )
    return Result(new_state, "applied", message, finished=new_state.done, changed=True)
