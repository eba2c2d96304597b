"""Picking a stopped run up again: after "it hurts" and a mild or moderate score, a person may carry
on, ease off or skip the exercise that hurt. The stopped run stays as it was (it is history); this
makes the new run that goes on from there.
"""

from __future__ import annotations

from dataclasses import replace

from shared_content.vocabulary import PICK_UPS, PickUp

from .commands import jump, start
from .plan import faster
from .segments import template_for
from .shapes import CatalogueLike, RoutineLike
from .state import SessionState
from .timeline import locate_in, template_of

__all__ = ["PICK_UPS", "PickUp", "pick_up"]


def pick_up(
    stopped: SessionState, how: PickUp, routine: RoutineLike, catalogue: CatalogueLike, now: float
) -> SessionState | None:
    """A new run of the stopped run's routine that starts now where the stopped one left off.

    "continue": the step it stopped in starts again (a set cut short is done again from its
    get-ready, without the rest before it); "ease_off": the same, one pace level shorter on the holds (as "faster" does);
    "skip_exercise": the next exercise's introduction. None when nothing is left to pick up (the
    exercise skipped was the last one).
    """
    if how not in PICK_UPS:
        raise ValueError(f"how must be one of {PICK_UPS}, not {how!r}")
    if not stopped.done or stopped.finished_at is None:
        raise ValueError("only a finished run can be picked up")
    # The run as it was a moment before it stopped, to find the segment it stopped in.
    running = replace(stopped, outcome=None, finished_at=None)
    tpl = template_of(running, routine, catalogue)
    here = tpl.segments[locate_in(running, tpl, max(stopped.finished_at - 1e-6, stopped.started_at)).index]
    pace = (faster(stopped.pace) or stopped.pace) if how == "ease_off" else stopped.pace
    fresh = start(routine, catalogue, now, pace=pace, version=stopped.version + 1, mode=stopped.mode)
    # The pace changes hold lengths only: the same segments sit at the same indices.
    new_tpl = template_for(routine, catalogue, pace, stopped.mode)
    if how == "skip_exercise":
        following = here.exercise_index + 1
        if following >= len(new_tpl.intros):
            return None
        return jump(fresh, new_tpl.intros[following], now)
    target = new_tpl.step_start(here.step)
    if new_tpl.segments[target].gap:  # a rest or a switch opens the step: get into position at once
        target += 1
    return jump(fresh, target, now)
