"""The old engine's view of a session (phase, block_index, phase_started_at), for the front ends
that still read it until wave 2 moves them onto segments. Nothing in the engine reads these.

`legacy_view(state, ...)` returns a `LegacyState`: the same SessionState (it is one) plus the old
fields as they were at `now`, worked out when first read. It is never stored: `to_dict()` gives
the plain state's fields.
"""

from __future__ import annotations

import bisect
from dataclasses import fields
from functools import cached_property
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


class LegacyState(SessionState):
    """A SessionState (its fields, equal to the state it was made from) with the old engine's
    fields as they were at `now`, worked out on first read: most readers want none of them.

        phase             "instructions" | "holding" | "resting" | "done"
        block_index       the old plan's block (plan_for order)
        phase_started_at  holding: when rep 1 begins (ahead during get-ready); resting: when it began
        block_pace        holding: the pace of this block
    """

    _source: tuple[RoutineLike, CatalogueLike, float]  # what the old fields are worked out from

    @cached_property
    def _old_fields(self) -> tuple[str, int, float | None, float | None]:
        source = self.__dict__.get("_source")
        if source is None:  # dataclasses.replace builds one through SessionState's __init__
            raise AttributeError(
                "a LegacyState copied with dataclasses.replace has no moment: use legacy_view"
            )
        return _work_out_old_fields(self, *source)

    @property
    def phase(self) -> str:
        return self._old_fields[0]

    @property
    def block_index(self) -> int:
        return self._old_fields[1]

    @property
    def phase_started_at(self) -> float | None:
        return self._old_fields[2]

    @property
    def block_pace(self) -> float | None:
        return self._old_fields[3]

    def __eq__(self, other: object) -> bool:
        # As when the old fields were dataclass fields: the same state at another moment may differ.
        if not isinstance(other, LegacyState):
            return NotImplemented
        return SessionState.__eq__(self, other) is True and self._old_fields == other._old_fields

    __hash__ = SessionState.__hash__  # equal ones have equal stored fields

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in _STATE_FIELDS}


def legacy_view(
    state: SessionState, routine: RoutineLike, catalogue: CatalogueLike, now: float
) -> LegacyState:
    # The state's fields copied as they are (a frozen dataclass's __init__ would set each one
    # through object.__setattr__ and check nothing more), then what the old fields need.
    shown = LegacyState.__new__(LegacyState)
    values = shown.__dict__
    source = state.__dict__
    for name in _STATE_FIELDS:
        values[name] = source[name]
    values["_source"] = (routine, catalogue, now)
    return shown


def _work_out_old_fields(
    state: SessionState, routine: RoutineLike, catalogue: CatalogueLike, now: float
) -> tuple[str, int, float | None, float | None]:
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
    return phase, block, started, state.pace if phase == "holding" else None
