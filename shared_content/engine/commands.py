"""Commands: the only way a session changes version.

`apply` first checks the version (a stale command is a "duplicate"), then settles the
state at `now`, then applies the command. It never raises for a command that makes no
sense in the current phase: it answers "illegal" with a sentence a person can hear.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal

from . import plan as plans
from .plan import Block, plan_for
from .state import SessionState
from .timeline import settle

COMMAND_NAMES: tuple[str, ...] = (
    "next",
    "previous",
    "repeat",
    "pause",
    "resume",
    "start_over",
    "skip",
    "finish",
    "slower",
    "faster",
    "pain",
)

Status = Literal["applied", "duplicate", "illegal"]

ALREADY_FINISHED = "The routine is already finished."
NOT_PAUSED = "The session isn't paused."
ALREADY_PAUSED = "The session is already paused."
SLOWEST = "That's already the slowest pace."
FASTEST = "That's already the fastest pace."
DUPLICATE = "The session had already moved on, so nothing was changed."


@dataclass(frozen=True)
class Command:
    name: str
    expected_version: int | None = None
    at: float | None = (
        None  # next/repeat/previous into a hold: when rep 1 should begin (voice: now + lead-in)
    )


@dataclass(frozen=True)
class Result:
    state: SessionState
    status: Status
    message: str = ""
    finished: bool = False  # True exactly when this apply moved the session into "done"
    changed: bool = False


def start(routine: Any, catalogue: Any, now: float, pace: float = 1.0, version: int = 1) -> SessionState:
    """A new run of `routine`: the first exercise's instructions."""
    plan_for(routine, catalogue, pace)  # validates pace, routine and exercise ids
    return SessionState(
        routine_id=routine.id,
        version=version,
        block_index=0,
        phase="instructions",
        phase_started_at=None,
        paused_at=None,
        pace=pace,
        started_at=now,
        finished_at=None,
        outcome=None,
    )


# --- phase entries: each sets every phase-dependent field, so invariants hold by construction


def _instructions(state: SessionState, index: int) -> SessionState:
    return replace(
        state, block_index=index, phase="instructions", phase_started_at=None, paused_at=None, block_pace=None
    )


def _holding(state: SessionState, index: int, starts_at: float) -> SessionState:
    return replace(
        state,
        block_index=index,
        phase="holding",
        phase_started_at=starts_at,
        paused_at=None,
        block_pace=state.pace,
    )


def _resting(state: SessionState, now: float) -> SessionState:
    return replace(state, phase="resting", phase_started_at=now, paused_at=None, block_pace=None)


def _done(state: SessionState, now: float, outcome: str) -> SessionState:
    return replace(
        state,
        phase="done",
        phase_started_at=None,
        paused_at=None,
        block_pace=None,
        finished_at=now,
        outcome=outcome,
    )


def _enter_block(state: SessionState, plan: list[Block], index: int, now: float, at: float) -> SessionState:
    """Move to block `index`: a new exercise opens with its instructions, a further set
    starts holding at `at`; past the last block the routine is completed."""
    if index >= len(plan):
        return _done(state, now, "completed")
    if plan[index].first_of_exercise:
        return _instructions(state, index)
    return _holding(state, index, at)


def _next_exercise_start(plan: list[Block], index: int) -> int:
    current = plan[index].exercise_index
    for i in range(index + 1, len(plan)):
        if plan[i].exercise_index != current:
            return i
    return len(plan)


# --- one function per command; each returns a new state or an "illegal" message


def _cmd_next(s: SessionState, plan: list[Block], now: float, at: float) -> SessionState | str:
    block = plan[s.block_index]
    if s.phase == "instructions":
        if block.is_guidance:
            return _enter_block(s, plan, s.block_index + 1, now, at)
        return _holding(s, s.block_index, at)
    if s.phase == "holding" and block.rest_seconds > 0:
        return _resting(s, now)  # ends this set early; rest_seconds > 0 means another set follows
    return _enter_block(s, plan, s.block_index + 1, now, at)


def _cmd_previous(s: SessionState, plan: list[Block], now: float, at: float) -> SessionState | str:
    block = plan[s.block_index]
    if s.phase == "instructions":
        if block.exercise_index == 0:
            return _instructions(s, 0)
        return _instructions(s, plans.first_block_of_exercise(plan, block.exercise_index - 1))
    # While holding, "previous" is the block before this one; while resting, it is the
    # block just finished (the rest belongs to it), which is what the person last did.
    target = s.block_index - 1 if s.phase == "holding" else s.block_index
    if target < 0:
        return _instructions(s, 0)
    if plan[target].exercise_index == block.exercise_index:
        return _holding(s, target, at)
    return _instructions(s, plans.first_block_of_exercise(plan, plan[target].exercise_index))


def _cmd_repeat(s: SessionState, plan: list[Block], now: float, at: float) -> SessionState | str:
    if s.phase == "holding":
        return _holding(s, s.block_index, at)
    return replace(s)  # instructions/resting: nothing moves; the new version asks front ends to say it again


def _cmd_skip(s: SessionState, plan: list[Block], now: float, at: float) -> SessionState | str:
    index = _next_exercise_start(plan, s.block_index)
    return _done(s, now, "completed") if index >= len(plan) else _instructions(s, index)


def _cmd_finish(s: SessionState, plan: list[Block], now: float, at: float) -> SessionState | str:
    return _done(s, now, "completed" if s.block_index == len(plan) - 1 else "stopped")


def _cmd_pain(s: SessionState, plan: list[Block], now: float, at: float) -> SessionState | str:
    return _done(s, now, "pain")


def _cmd_pause(s: SessionState, plan: list[Block], now: float, at: float) -> SessionState | str:
    return ALREADY_PAUSED if s.paused else replace(s, paused_at=now)


def _cmd_resume(s: SessionState, plan: list[Block], now: float, at: float) -> SessionState | str:
    if s.paused_at is None:
        return NOT_PAUSED
    shifted = None if s.phase_started_at is None else s.phase_started_at + (now - s.paused_at)
    return replace(s, paused_at=None, phase_started_at=shifted)


def _cmd_slower(s: SessionState, plan: list[Block], now: float, at: float) -> SessionState | str:
    pace = plans.slower(s.pace)
    return SLOWEST if pace is None else replace(s, pace=pace)


def _cmd_faster(s: SessionState, plan: list[Block], now: float, at: float) -> SessionState | str:
    pace = plans.faster(s.pace)
    return FASTEST if pace is None else replace(s, pace=pace)


_HANDLERS: dict[str, Callable[[SessionState, list[Block], float, float], SessionState | str]] = {
    "next": _cmd_next,
    "previous": _cmd_previous,
    "repeat": _cmd_repeat,
    "skip": _cmd_skip,
    "finish": _cmd_finish,
    "pain": _cmd_pain,
    "pause": _cmd_pause,
    "resume": _cmd_resume,
    "slower": _cmd_slower,
    "faster": _cmd_faster,
}


def apply(state: SessionState, command: Command, routine: Any, catalogue: Any, now: float) -> Result:
    """Apply one command at `now`. See the module docstring and docs/architecture.md."""
    if command.expected_version is not None and command.expected_version != state.version:
        return Result(state, "duplicate", DUPLICATE)
    if command.name == "start_over":
        fresh = start(routine, catalogue, now, pace=state.pace, version=state.version + 1)
        return Result(fresh, "applied", changed=True)
    handler = _HANDLERS.get(command.name)
    if handler is None:
        return Result(state, "illegal", f"Unknown command: {command.name!r}.")
    if state.done:
        return Result(state, "illegal", ALREADY_FINISHED)

    settled = settle(state, routine, catalogue, now)
    plan = plan_for(routine, catalogue, settled.pace)
    outcome = handler(settled, plan, now, command.at if command.at is not None else now)
    if isinstance(outcome, str):
        return Result(state, "illegal", outcome)
    new_state = replace(outcome, version=state.version + 1)
    return Result(new_state, "applied", finished=new_state.done, changed=True)
