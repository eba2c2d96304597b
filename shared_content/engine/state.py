"""The session state: a small frozen value that is stored as JSON and shared by both front ends."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, Literal

from .plan import check_pace

Phase = Literal["instructions", "holding", "resting", "done"]
Outcome = Literal["completed", "stopped", "pain"]

PHASES: tuple[str, ...] = ("instructions", "holding", "resting", "done")
OUTCOMES: tuple[str, ...] = ("completed", "stopped", "pain")


@dataclass(frozen=True)
class SessionState:
    routine_id: str
    version: int
    block_index: int
    phase: Phase
    phase_started_at: (
        float | None
    )  # holding: when rep 1 began (may be ahead: lead-in); resting: when the rest began
    paused_at: float | None  # set while paused; the timeline is frozen at this moment
    pace: float  # one of PACE_LEVELS; applies to blocks started from now on
    started_at: float  # when this run began (start or start_over): identifies it in history
    finished_at: float | None
    outcome: Outcome | None
    # Extension to the architecture's field list: the pace the current hold was started
    # with, so a pace change mid-hold only affects blocks started afterwards. Set exactly
    # while holding, None otherwise.
    block_pace: float | None = None

    @property
    def paused(self) -> bool:
        return self.paused_at is not None

    @property
    def done(self) -> bool:
        return self.phase == "done"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (str, int, float, None only)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SessionState:
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown session state fields: {sorted(unknown)}")

        def opt_float(key: str) -> float | None:
            value = data.get(key)
            return None if value is None else float(value)

        state = cls(
            routine_id=str(data["routine_id"]),
            version=int(data["version"]),
            block_index=int(data["block_index"]),
            phase=data["phase"],
            phase_started_at=opt_float("phase_started_at"),
            paused_at=opt_float("paused_at"),
            pace=float(data["pace"]),
            started_at=float(data["started_at"]),
            finished_at=opt_float("finished_at"),
            outcome=data.get("outcome"),
            block_pace=opt_float("block_pace"),
        )
        if state.phase not in PHASES:
            raise ValueError(f"unknown phase {state.phase!r}")
        if state.outcome is not None and state.outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {state.outcome!r}")
        check_pace(state.pace)
        return state
