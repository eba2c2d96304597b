"""The timeline as JSON-safe data, for the phone's player (webapp/static/player.js).

The shape is documented in docs/architecture.md (Engine, "Timeline data"). The player needs
only segment durations, step numbers and the anchor to play, pause, resume and jump offline;
everything else here is for display and for speaking the cues.

Most of the data depends only on the template (routine, pace, mode) and the exercises' names,
so it is built once per template and catalogue (`_rows_for`); a call only places it in time:
each segment's `start`, each cue's `at`, and the anchor segment's own cues when the state
stretched or shortened it (`anchor_duration`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .cues import Cue, segment_cues, segment_length
from .segments import Segment, Template
from .shapes import CatalogueLike, RoutineLike
from .state import SessionState
from .timeline import locate_in, starts, template_of

FORMAT = 1  # bumped when the shape changes incompatibly

# A cue placed within its segment: (offset from the segment's start, key, params).
_PlacedCue = tuple[float, str, dict[str, Any]]


@dataclass(frozen=True)
class _Rows:
    """The time-free part of a template's timeline data."""

    segments: tuple[dict[str, Any], ...]  # Segment.to_dict() plus exercise_name, without start
    cues: tuple[tuple[_PlacedCue, ...], ...]  # per segment, at the template's own durations


def _placed(seg: Segment, length: float) -> tuple[_PlacedCue, ...]:
    return tuple((cue.at, cue.key, cue.params) for cue in segment_cues(seg, 0.0, length))


def _build_rows(tpl: Template, catalogue: CatalogueLike) -> _Rows:
    names: dict[str, str] = {}
    segments: list[dict[str, Any]] = []
    for seg in tpl.segments:
        if seg.exercise_id not in names:
            names[seg.exercise_id] = catalogue.exercise(seg.exercise_id).name
        row: dict[str, Any] = seg.to_dict()
        row["exercise_name"] = names[seg.exercise_id]
        segments.append(row)
    cue_rows = tuple(
        _placed(seg, 0.0 if seg.duration is None else float(seg.duration)) for seg in tpl.segments
    )
    return _Rows(tuple(segments), cue_rows)


# Keyed by the template and catalogue objects (both long-lived; templates are cached per process).
# An entry holds both, so the ids it is keyed by cannot be reused while it exists.
_ROWS: dict[tuple[int, int], tuple[Template, CatalogueLike, _Rows]] = {}
_MAX_ROWS = 256


def _rows_for(tpl: Template, catalogue: CatalogueLike) -> _Rows:
    key = (id(tpl), id(catalogue))
    found = _ROWS.get(key)
    if found is not None and found[0] is tpl and found[1] is catalogue:
        return found[2]
    if len(_ROWS) >= _MAX_ROWS:
        _ROWS.clear()
    rows = _build_rows(tpl, catalogue)
    _ROWS[key] = (tpl, catalogue, rows)
    return rows


def timeline_data(
    state: SessionState, routine: RoutineLike, catalogue: CatalogueLike, now: float
) -> dict[str, Any]:
    """Everything the phone needs to play the session from `now` on, on the server's clock."""
    tpl = template_of(state, routine, catalogue)
    rows = _rows_for(tpl, catalogue)
    begins = starts(state, tpl)
    segments = [{**row, "start": begin} for row, begin in zip(rows.segments, begins, strict=True)]
    cue_rows: list[dict[str, Any]] = []
    anchor = state.anchor_index
    for index, (placed, begin) in enumerate(zip(rows.cues, begins, strict=True)):
        if index == anchor and state.anchor_duration is not None:
            seg = tpl.segments[index]
            placed = _placed(seg, segment_length(state, seg))
        for offset, key, params in placed:
            cue_rows.append(
                {
                    "segment": index,
                    "offset": offset,
                    "at": None if begin is None else begin + offset,
                    "key": key,
                    "params": dict(params),
                }
            )
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
