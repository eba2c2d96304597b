"""The timeline as JSON-safe data, for the phone's player (webapp/static/player.js).

The shape is documented in docs/architecture.md (Engine, "Timeline data"). The player needs
only segment durations, step numbers and the anchor to play, pause, resume and jump offline;
everything else here is for display and for speaking the cues.
"""

from __future__ import annotations

from typing import Any

from .cues import Cue, segment_cues, segment_length
from .shapes import CatalogueLike, RoutineLike
from .state import SessionState
from .timeline import locate_in, starts, template_of

FORMAT = 1  # bumped when the shape changes incompatibly


def timeline_data(
    state: SessionState, routine: RoutineLike, catalogue: CatalogueLike, now: float
) -> dict[str, Any]:
    """Everything the phone needs to play the session from `now` on, on the server's clock."""
    tpl = template_of(state, routine, catalogue)
    begins = starts(state, tpl)
    names = {eid: catalogue.exercise(eid).name for eid in routine.exercise_ids}
    segments: list[dict[str, Any]] = []
    cue_rows: list[dict[str, Any]] = []
    for seg, begin in zip(tpl.segments, begins, strict=True):
        row: dict[str, Any] = seg.to_dict()
        row["exercise_name"] = names[seg.exercise_id]
        row["start"] = begin
        segments.append(row)
        for cue in segment_cues(seg, 0.0, segment_length(state, seg)):
            cue_rows.append(_cue_row(cue, seg.index, begin))
    last = tpl.segments[-1]
    cue_rows.append(_cue_row(Cue(segment_length(state, last), "well_done", {}), last.index, begins[-1]))
    cursor = locate_in(state, tpl, now)
    return {
        "format": FORMAT,
        "routine_id": routine.id,
        "version": state.version,
        "server_now": now,
        "pace": state.pace,
        "mode": state.mode,
        "anchor": {"index": state.anchor_index, "at": state.anchor_at, "duration": state.anchor_duration},
        "paused_at": state.paused_at,
        "barrier": state.barrier,
        "voice_until": state.voice_until,
        "last_command": {"source": state.last_source, "name": state.last_command},
        "done": state.done,
        "outcome": state.outcome,
        "finished_at": state.finished_at,
        "started_at": state.started_at,
        "total_seconds": tpl.total,
        "current": cursor.index,
        "segments": segments,
        "cues": cue_rows,
    }


def _cue_row(cue: Cue, index: int, begin: float | None) -> dict[str, Any]:
    """A cue placed by its segment and offset (so a player that shifts segments moves it too)."""
    return {
        "segment": index,
        "offset": cue.at,
        "at": None if begin is None else begin + cue.at,
        "key": cue.key,
        "params": dict(cue.params),
    }
