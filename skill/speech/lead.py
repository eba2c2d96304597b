"""The voice on the timeline: what one response says, and exactly when, from the engine's cues.

`script_for(data, words, ...)` walks the timeline data (`Coach.timeline_of(view)`: segments
with absolute starts, cues with absolute times) from the moment the response starts sounding
and lays one spoken line on each group of cues that fall together. Each cue has a few
wordings, longest first; the longest that ends before the next cue is said, so a line never
runs into the next one. It takes whole segments while the response stays within Alexa's
limits (RESPONSE_BUDGET_SECONDS of audio, MAX_SSML_CHARS of speech) and stops:

* at a `wait` segment ("wait for me"): its cue asks for "next" (the engine halts there);
* at the end of the routine: "well done", the session ends;
* where the budget is spent: a barrier at the first segment not spoken, and "say go on".

The result (`Script`) is rendered as SSML (breaks between lines, skill/speech/ssml.py) or as
an APLA document (skill/speech/apla.py) in which every line starts at its own offset.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from .ssml import MAX_SSML_CHARS, RESPONSE_BUDGET_SECONDS, Timeline, escape, estimate_seconds

MIN_GAP = 0.15  # silence kept between two lines
CHARS_RESERVE = 600  # SSML characters kept free for breaks and the closing words
Words = Callable[..., str]  # words(key, **values) -> SSML-safe phrase


class ExerciseWords(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def summary(self) -> str: ...
    @property
    def steps(self) -> Sequence[str]: ...
    @property
    def hold_cue(self) -> str: ...


@dataclass(frozen=True)
class Line:
    at: float  # seconds from the start of the response's audio
    ssml: str
    cue_at: float | None = None  # the timeline time it announces (absolute), None for framing words
    keys: tuple[str, ...] = ()


@dataclass
class Script:
    lines: list[Line] = field(default_factory=list)
    length: float = 0.0  # seconds of audio
    barrier: int | None = None  # where the timeline must halt (the first segment not spoken)
    end: str = "budget"  # "budget" | "wait" | "done" | "halt"

    def add(self, at: float, ssml: str, cue_at: float | None = None, keys: tuple[str, ...] = ()) -> None:
        if ssml:
            start = max(at, self.length + MIN_GAP if self.lines else at)
            self.lines.append(Line(round(start, 3), ssml, cue_at, keys))
            self.length = start + estimate_seconds(ssml, tail=False)

    def pad_to(self, seconds: float) -> None:
        self.length = max(self.length, seconds)

    def ssml(self) -> str:
        """The lines as one SSML fragment: breaks fill the time between them."""
        tl = Timeline()
        for line in self.lines:
            tl.wait_until(line.at)
            tl.say(line.ssml)
        tl.wait_until(self.length)
        return tl.ssml()

    def chars(self) -> int:
        return sum(len(line.ssml) + 40 for line in self.lines)


def fits(text: str, room: float) -> bool:
    return estimate_seconds(text, tail=False) <= room - MIN_GAP


def first_fitting(options: Sequence[str], room: float) -> str:
    for option in options:
        if option and fits(option, room):
            return option
    return ""


def cue_options(
    key: str,
    params: Mapping[str, Any],
    words: Words,
    exercise: Callable[[str], ExerciseWords],
    ctx: Mapping[str, Any],
) -> list[str]:
    """The wordings of one cue, longest first."""
    if key == "intro":
        ex = exercise(str(params["exercise"]))
        head = f"{escape(ex.name)}. {escape(ex.summary)}"
        # as many of the steps as fit before the first get-ready, in order
        with_steps = [
            " ".join([head, *(escape(s) for s in ex.steps[:k])]) for k in range(len(ex.steps), 0, -1)
        ]
        return [*with_steps, head, escape(ex.name) + "."]
    if key == "get_ready":
        ex = exercise(str(params["exercise"]))
        framing = []
        if params.get("side"):
            framing.append(words(f"block.side_{params['side']}") if params["side"] == "left" else "")
        if int(params.get("sets") or 1) > 1:
            framing.append(words("block.set", set_no=params["set_no"], sets=params["sets"]))
        head = " ".join(f for f in framing if f)
        cue = escape(ex.hold_cue)
        first = words("lead.get_into_position")
        return [
            " ".join(x for x in (head, first, cue) if x),
            " ".join(x for x in (head, cue) if x),
            " ".join(x for x in (head, words("lead.get_ready")) if x),
            head,
            words("lead.get_ready"),
        ]
    if key == "countdown":
        return [str(params["n"])]
    if key == "hold_start":
        return [words("lead.hold")]
    if key == "count":
        return [] if int(params["n"]) == 1 else [str(params["n"])]
    if key == "release":
        rep, reps = int(params["rep"]), int(params["reps"])
        release = words("lead.release")
        if rep < reps:
            nxt = (
                words("lead.last_rep")
                if rep + 1 == reps and reps > 2
                else words("lead.next_rep", rep=rep + 1, reps=reps)
            )
            return [f"{release} {nxt}", release]
        return [f"{release} {words('lead.set_done')}", release]
    if key == "rest":
        return [words("lead.rest", seconds=round(float(params["seconds"]))), words("lead.rest_short")]
    if key == "switch_side":
        side = words(f"side.{params['side']}") if params.get("side") else ""
        return [words("lead.switch_side", side=side), words("lead.switch_short")]
    if key == "next_up":
        ex = exercise(str(params["exercise"]))
        return [words("lead.next_up", exercise=ex.name)]
    if key == "wait":
        ex = exercise(str(params["exercise"]))
        following = ctx.get("next_exercise")
        if following:
            return [words("lead.wait", exercise=ex.name, next=following)]
        return [words("lead.wait_short", exercise=ex.name)]
    if key == "well_done":
        return [words("lead.done", routine=ctx.get("routine_name", ""))]
    return []


def _groups(cues: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Cues that fall at the same moment (within 1 ms) form one spoken line."""
    out: list[list[dict[str, Any]]] = []
    for cue in cues:
        if out and abs(out[-1][0]["at"] - cue["at"]) < 0.001:
            out[-1].append(cue)
        else:
            out.append([cue])
    return out


def script_for(
    data: Mapping[str, Any],
    words: Words,
    exercise: Callable[[str], ExerciseWords],
    *,
    audio_start: float,
    opening: str = "",
    budget: float = RESPONSE_BUDGET_SECONDS,
) -> Script:
    """The response that leads the session from `audio_start` (absolute time the first word
    sounds) for as long as Alexa's limits allow. `opening` is said first (before any cue)."""
    script = Script()
    script.add(0.0, opening)
    segments: list[dict[str, Any]] = list(data["segments"])
    current = int(data["current"])
    closing_room = estimate_seconds(words("lead.go_on"), tail=True) + 1.0
    chosen: list[dict[str, Any]] = []
    chosen_chars = 0  # sum(len(str(c["params"])) for c in chosen), kept as cues are chosen
    by_segment: dict[Any, list[dict[str, Any]]] = {}  # the timed cues of each segment, in order
    for c in data["cues"]:
        if c["at"] is not None:
            by_segment.setdefault(c["segment"], []).append(c)
    end_at: float | None = None  # absolute time where the speech stops
    for seg in segments[current:]:
        start = seg["start"]
        if start is None:  # after a halt: nothing is planned
            script.end = "halt"
            break
        length = float(seg["duration"] or 0)
        if seg["index"] == data["anchor"]["index"] and data["anchor"]["duration"] is not None:
            length = float(data["anchor"]["duration"])
        seg_cues = by_segment.get(seg["index"], [])
        spoken_chars = chosen_chars + CHARS_RESERVE
        over_time = start + length - audio_start + closing_room > budget
        if seg["index"] != current and (over_time or spoken_chars > MAX_SSML_CHARS - 2 * CHARS_RESERVE):
            script.barrier, script.end, end_at = seg["index"], "budget", start
            break
        chosen += seg_cues
        chosen_chars += sum(len(str(c["params"])) for c in seg_cues)
        if seg["kind"] == "wait":
            script.end, end_at = "wait", start
            break
    else:
        script.end = "done"
    ctx = {"routine_name": data.get("routine_name", ""), "next_exercise": _next_exercise(segments, chosen)}
    earliest = audio_start + script.length  # after the opening
    # The segment being joined part way: its opening cue (an intro, "get ready") is said at once.
    joined = [c for c in chosen if c["at"] < earliest]
    late = [c for c in chosen if c["at"] >= earliest]
    lead_in = [c for c in joined if c["key"] in ("intro", "get_ready", "rest", "switch_side", "next_up")][-1:]
    timed = [dict(c, at=max(c["at"], earliest)) for c in lead_in] + late
    groups = _groups(sorted(timed, key=lambda c: c["at"]))
    for i, group in enumerate(groups):
        at = group[0]["at"]
        last = i + 1 == len(groups)
        # the last line before a barrier must end there; a wait's or the end's words may run on
        following = groups[i + 1][0]["at"] if not last else (end_at if script.end == "budget" else None)
        if following is None or following <= at:
            following = at + 30.0
        room = following - max(at, audio_start + script.length + MIN_GAP)
        parts: list[str] = []
        for c in group:  # cues falling together share the room, first come first served
            part = first_fitting(cue_options(c["key"], c["params"], words, exercise, ctx), room)
            room -= estimate_seconds(part, tail=False) if part else 0.0
            parts.append(part)
        text = " ".join(p for p in parts if p)
        script.add(at - audio_start, text, at, tuple(c["key"] for c in group))
    if end_at is not None:
        script.pad_to(end_at - audio_start)
    if script.end == "budget":
        script.add(script.length, words("lead.go_on"))
    return script


def _next_exercise(segments: list[dict[str, Any]], chosen: list[dict[str, Any]]) -> str | None:
    """The name of the exercise after the last wait spoken (for "say next when you're ready for ...")."""
    waits = [c for c in chosen if c["key"] == "wait"]
    if not waits:
        return None
    after = int(waits[-1]["segment"])
    for seg in segments[after + 1 :]:
        if seg["kind"] == "intro":
            return str(seg["exercise_name"])
    return None
