"""The old engine's view of a session (phase, block_index, phase_started_at), for the front ends
that still read it until wave 2 moves them onto segments. Nothing in the engine reads these.

`legacy_view(state, ...)` returns a `LegacyState`: the same SessionState (it is one) plus the old
fields as they were at `now`. It is never stored: `to_dict()` gives the plain state's fields.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, fields
from typing import Any

from .plan import Block, plan_for
from .shapes import CatalogueLike, RoutineLike
from .state import SessionState, block_starts
from .timeline import PHASE_OF_KIND, locate_in, starts, template_of

_STATE_FIELDS = tuple(f.name for f in fields(SessionState))
# The old plan of a routine at a pace, built once (as segments.template_for keeps templates): every
# command and every read builds a legacy view, and rebuilding the plan was most of its cost.
_PLANS: dict[tuple[int, int, float], tuple[RoutineLike, CatalogueLike, tuple[Block, ...]]] = {}
_MAX_PLANS = 256


def _plan(routine: RoutineLike, catalogue: CatalogueLike, pace: float) -> tuple[Block, ...]:
    key = (id(routine), id(catalogue), pace)
    found = _PLANS.get(key)
    if found is not None and found[0] is routine and found[1] is catalogue:
        return found[2]
    plan = tuple(plan_for(routine, catalogue, pace))
    if len(_PLANS) >= _MAX_PLANS:
        _PLANS.clear()
    _PLANS[key] = (routine, catalogue, plan)
    return plan


@dataclass(frozen=True)
class LegacyState(SessionState):
    phase: str = "instructions"  # "instructions" | "holding" | "resting" | "done"
    block_index: int = 0  # the old plan's block (plan_for order)
    phase_started_at: float | None = (
        None  # holding: when rep 1 begins (ahead during get-ready); resting: when it began
    )
    block_pace: float | None = None  # holding: the pace of this block

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _STATE_FIELDS}


def legacy_view(
    state: SessionState, routine: RoutineLike, catalogue: CatalogueLike, now: float
) -> LegacyState:
    tpl = template_of(state, routine, catalogue)
    c = locate_in(state, tpl, now)
    seg = tpl.segments[c.index]
    plan = _plan(routine, catalogue, state.pace)
    first = block_starts(tpl)
    if seg.kind in ("intro", "transition", "wait"):
        exercise = seg.exercise_index + (1 if seg.kind == "wait" else 0)
        block = next((i for i, b in enumerate(plan) if b.exercise_index == exercise), len(plan) - 1)
    else:
        block = max(0, bisect.bisect_right(first, c.index) - 1)
    phase = "done" if c.done else PHASE_OF_KIND[seg.kind]
    started: float | None = None
    if phase == "holding":
        planned = starts(state, tpl)
        hold = min(first[block] + 1, len(tpl) - 1)  # the block's first hold follows its get-ready
        started = planned[hold]
        if started is None:  # halted before the block: it begins when continued
            started = c.t + (tpl.segments[first[block]].duration or 0)
    elif phase == "resting":
        started = c.start if c.start is not None else c.t
    base = {name: getattr(state, name) for name in _STATE_FIELDS}
    return LegacyState(
        **base,
        phase=phase,
        block_index=block,
        phase_started_at=started,
        block_pace=state.pace if phase == "holding" else None,
    )
