"""The session state: a small frozen value that is stored as JSON and shared by both front ends.

The state does not list segments: it names the routine, pace and mode (which give the
template, segments.py) and an anchor, "segment `anchor_index` starts at `anchor_at`". Every
position is a pure function of (state, now), see timeline.py.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Literal

from .plan import check_pace, plan_for
from .segments import Mode, Template, check_mode, template_for
from .shapes import CatalogueLike, RoutineLike

Outcome = Literal["completed", "stopped", "pain"]
OUTCOMES: tuple[str, ...] = ("completed", "stopped", "pain")


@dataclass(frozen=True)
class SessionState:
    routine_id: str
    version: int
    anchor_index: int  # the segment the anchor names
    # When that segment starts (may lie ahead: a spoken lead-in). None: the timeline is halted
    # at the segment's start until continued (used for sessions converted from the old engine).
    anchor_at: float | None
    # The anchor segment's length when it differs from the template's: a pace change keeps the
    # running segment's length and applies from the next boundary. None: the template's length.
    anchor_duration: float | None
    pace: float  # one of PACE_LEVELS; scales holds
    mode: Mode  # "lead": keep going; "wait": an open-ended stop after each exercise
    paused_at: float | None  # set while paused; the timeline is frozen at this moment
    # The timeline halts at the start of this segment until continued (the voice sets it where
    # the audio it sent ends). Always greater than anchor_index when set.
    barrier: int | None
    started_at: float  # when this run began (start or start_over): identifies it in history
    finished_at: float | None
    outcome: Outcome | None
    # When the speaker's current response audio ends (server clock), set by the voice's commands;
    # the phone reads it to warn that the speaker may still be counting. None: not speaking.
    voice_until: float | None = None
    # The last applied command's origin ("phone" | "voice") and name, so each front end can say
    # what the other one did since it last spoke ("You paused on your phone.").
    last_source: str | None = None
    last_command: str | None = None

    @property
    def paused(self) -> bool:
        return self.paused_at is not None

    @property
    def done(self) -> bool:
        return self.outcome is not None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (str, int, float, None only). Every field is a scalar, so no deep copy
        (dataclasses.asdict) is needed; every command stores one."""
        return {name: getattr(self, name) for name in _FIELD_NAMES}

    def check(self, template: Template) -> SessionState:
        """Raise ValueError unless the state fits the template (indices in range, fields consistent)."""
        n = len(template)
        if not 0 <= self.anchor_index < n:
            raise ValueError(f"anchor_index {self.anchor_index} is outside 0..{n - 1}")
        if self.barrier is not None and not self.anchor_index < self.barrier < n:
            raise ValueError(f"barrier {self.barrier} must lie after the anchor and inside the routine")
        if (self.outcome is None) != (self.finished_at is None):
            raise ValueError("outcome and finished_at are set together")
        if self.done and self.paused_at is not None:
            raise ValueError("a finished session cannot be paused")
        if self.anchor_duration is not None and self.anchor_duration < 0:
            raise ValueError("anchor_duration must not be negative")
        return self

    @classmethod
    def from_dict(
        cls,
        data: dict[str, Any],
        routine: RoutineLike | None = None,
        catalogue: CatalogueLike | None = None,
    ) -> SessionState:
        """Read a stored state. A state written by the old block engine (it has `block_index`)
        is converted, which needs the routine and catalogue; see `_from_block_state`."""
        if "block_index" in data:
            if routine is None or catalogue is None:
                raise ValueError("converting an old session state needs its routine and catalogue")
            return _from_block_state(data, routine, catalogue)
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown session state fields: {sorted(unknown)}")
        outcome = data.get("outcome")
        if outcome is not None and outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        barrier = data.get("barrier")
        return cls(
            routine_id=str(data["routine_id"]),
            version=int(data["version"]),
            anchor_index=int(data["anchor_index"]),
            anchor_at=_opt_float(data, "anchor_at"),
            anchor_duration=_opt_float(data, "anchor_duration"),
            pace=check_pace(float(data["pace"])),
            mode=check_mode(str(data.get("mode", "lead"))),
            paused_at=_opt_float(data, "paused_at"),
            barrier=None if barrier is None else int(barrier),
            started_at=float(data["started_at"]),
            finished_at=_opt_float(data, "finished_at"),
            outcome=outcome,
            voice_until=_opt_float(data, "voice_until"),
            last_source=_opt_str(data, "last_source"),
            last_command=_opt_str(data, "last_command"),
        )


def _opt_str(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    return None if value is None else str(value)


_FIELD_NAMES = tuple(f.name for f in fields(SessionState))  # the stored fields, not a subclass's


def _opt_float(data: dict[str, Any], key: str) -> float | None:
    value = data.get(key)
    return None if value is None else float(value)


def block_starts(template: Template) -> list[int]:
    """For each block of the old engine's plan (plan.py order), its first segment here:
    a timed block's get_ready, a guidance item's intro."""
    starts: list[int] = []
    for seg in template.segments:
        if seg.kind == "get_ready":
            starts.append(seg.index)
        elif seg.kind == "intro" and seg.reps == 0:  # guidance items have no sets or reps
            starts.append(seg.index)
    return starts


def _from_block_state(data: dict[str, Any], routine: RoutineLike, catalogue: CatalogueLike) -> SessionState:
    """An old-engine state (block_index, phase, phase_started_at) as an anchor on the timeline.

    The old engine parked after every set; the converted session keeps that once: it runs the
    hold or rest it was in and then halts (a barrier) where the old one would have waited for
    "next". An exercise's instructions become a halt at its first get-ready.
    """
    pace = check_pace(float(data["pace"]))
    template = template_for(routine, catalogue, pace, "lead")
    plan = plan_for(routine, catalogue, pace)
    starts = block_starts(template)
    i = int(data["block_index"])
    if not 0 <= i < len(plan) or len(starts) != len(plan):
        raise ValueError(f"old session state does not fit routine {routine.id!r}")
    phase = data["phase"]
    started = _opt_float(data, "phase_started_at")
    anchor, at, barrier = starts[i], None, None
    same_exercise_next = i + 1 < len(plan) and plan[i + 1].exercise_index == plan[i].exercise_index
    if phase == "holding" and started is not None and not plan[i].is_guidance:
        anchor, at = starts[i] + 1, started  # the block's first hold
        step = template.segments[starts[i]].step
        if same_exercise_next:
            barrier = starts[i + 1]
        elif step < template.last_step:
            barrier = template.step_start(step + 1)
    elif phase == "resting" and started is not None:
        if same_exercise_next:
            lead = template.segments[starts[i + 1] - 1]
            anchor, at, barrier = (lead.index, started, starts[i + 1])
            if lead.kind not in ("rest", "switch_sides"):  # no rest between these blocks
                anchor, at, barrier = starts[i + 1], None, None
        elif plan[i].exercise_index + 1 < len(template.intros):
            anchor = template.intros[plan[i].exercise_index + 1]
        else:  # the routine's last block was over: it ended when the rest began
            last = template.segments[-1]
            anchor, at = last.index, started - float(last.duration or 0)
    outcome = data.get("outcome")
    finished = _opt_float(data, "finished_at")
    if phase == "done":
        outcome = outcome if outcome in OUTCOMES else "stopped"
        finished = finished if finished is not None else float(data["started_at"])
    return SessionState(
        routine_id=str(data["routine_id"]),
        version=int(data["version"]),
        anchor_index=anchor,
        anchor_at=at,
        anchor_duration=None,
        pace=pace,
        mode="lead",
        paused_at=None if phase == "done" else _opt_float(data, "paused_at"),
        barrier=barrier,
        started_at=float(data["started_at"]),
        finished_at=finished if phase == "done" else None,
        outcome=outcome if phase == "done" else None,
    ).check(template)
