"""The Echo Show screen: Alexa.Presentation.APL.RenderDocument with apl/session.json.

Sent only when the device says it supports APL (context.System.device.supportedInterfaces
has "Alexa.Presentation.APL"). The datasource `session` carries the exercise name, the step
text, the seconds to count down, set/rep/side and phase_ends_at (epoch seconds), the same
facts the phone shows, so both screens agree. The current exercise's figure goes into the
document's `graphics` as AVG (skill/apl_figures.py), with `figurePose` choosing the pose it
mounts with; the document's onMount then moves the pose along the timeline (SetValue on the
figure's `shownPose` binding, timed by delays in a Sequential on its own sequencer).
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import Any

from ask_sdk_model import RequestEnvelope
from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

from shared_content.figures import load_figures
from skill import apl_figures

# Alexa plays at most 240 s of audio in one response: the screen's pose changes cover as much.
MAX_RESPONSE_SECONDS = 240.0
DOCUMENT_PATH = Path(__file__).resolve().parent / "apl" / "session.json"
TOKEN = "psoas-session"


@lru_cache(maxsize=1)
def document() -> dict[str, Any]:
    return json.loads(DOCUMENT_PATH.read_text(encoding="utf-8"))


def supported(envelope: RequestEnvelope) -> bool:
    system = envelope.context.system if envelope.context is not None else None
    device = system.device if system is not None else None
    interfaces = device.supported_interfaces if device is not None else None
    return interfaces is not None and interfaces.alexa_presentation_apl is not None


def datasource(turn, view) -> dict[str, Any]:
    """Plain JSON for the document; without a session it shows the routine list prompt."""
    safety = turn.catalogue.safety.short
    if view is None:
        return {
            "session": {
                "routine": "Psoas Coach",
                "exercise": turn.phrases.variants("screen.choose")[0],
                "step": "",
                "progressText": "",
                "seconds": 0,
                "phase": "none",
                "phaseEndsAt": None,
                "safety": safety,
            }
        }
    p, state = view.position, view.state
    ends = p.phase_ends_at
    seconds = max(0, math.ceil(ends - turn.now)) if ends is not None and not p.paused else 0
    words = turn.phrases.variants
    progress = words("screen.set")[0].format(set_no=p.set_no, sets=p.sets)
    if p.reps > 1 and state.phase == "holding":
        progress += " · " + words("screen.rep")[0].format(rep=p.rep, reps=p.reps)
    if p.side:
        progress += " · " + words(f"screen.side_{p.side}")[0]
    if p.exercise.kind == "guidance" or state.phase == "done":
        progress = ""
    step = {
        "holding": p.exercise.hold_cue,
        "resting": words("screen.rest")[0],
        "done": words("screen.done")[0],
    }.get(state.phase, p.exercise.summary)
    return {
        "session": {
            "routine": view.routine.name,
            "exercise": p.exercise.name,
            "step": step,
            "progressText": progress,
            "seconds": seconds,
            "phase": state.phase,
            "phaseEndsAt": ends,
            "set": p.set_no,
            "sets": p.sets,
            "rep": p.rep,
            "reps": p.reps,
            "side": p.side,
            "paused": p.paused,
            "safety": safety,
        }
    }


def _with_figure(turn, data: dict[str, Any], view) -> dict[str, Any]:
    """The document with the current exercise's figure (AVG) in `graphics`; the datasource says
    which pose to show and what it shows."""
    doc = dict(document())
    session = data["session"]
    exercise = view.position.exercise if view is not None else None
    graphic = _graphic_for(exercise.id, exercise.name) if exercise is not None else None
    session["hasFigure"] = graphic is not None
    if graphic is not None and exercise is not None:
        figure = load_figures()[exercise.id]
        session["figurePose"] = apl_figures.figure_pose(figure, view.state.phase, view.position.side)
        session["figureLabel"] = graphic["description"]
        doc["graphics"] = {apl_figures.GRAPHIC_NAME: graphic}
        doc["onMount"] = _figure_timing(turn, view, figure) + list(document().get("onMount", []))
    return doc


# The AVG drawing of each exercise's figure, built once per process (about 1 ms each: every pose's
# shapes solved and written as paths) and shared by every response, like document(): nothing
# edits it. Kept with the figure it was drawn from, so other figures (a test's) draw their own.
_GRAPHICS: dict[tuple[str, str], tuple[Any, dict[str, Any] | None]] = {}


def _graphic_for(exercise_id: str, name: str) -> dict[str, Any] | None:
    figure = load_figures().get(exercise_id)
    kept = _GRAPHICS.get((exercise_id, name))
    if kept is not None and kept[0] is figure:
        return kept[1]
    graphic = apl_figures.graphic_for(exercise_id, name)
    if len(_GRAPHICS) >= 256:
        _GRAPHICS.clear()
    _GRAPHICS[(exercise_id, name)] = (figure, graphic)
    return graphic


def _figure_timing(turn, view, figure) -> list[dict[str, Any]]:
    """Timed pose changes for the audio this response carries: the engine's cues from now to the
    next halt (where the voice's audio ends), at most one response's worth."""
    if view.state.paused or view.state.done:
        return []
    upcoming = turn.coach.cues(view, turn.now, turn.now + MAX_RESPONSE_SECONDS)
    schedule = apl_figures.pose_schedule(figure, upcoming, turn.now, view.position.side)
    return apl_figures.pose_commands(schedule)


def render(turn, view) -> RenderDocumentDirective:
    data = datasource(turn, view)
    return RenderDocumentDirective(token=TOKEN, document=_with_figure(turn, data, view), datasources=data)
