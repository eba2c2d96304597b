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

from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, Protocol

from .phrases import Phrases
from .ssml import (
    MAX_SSML_CHARS,
    RESPONSE_BUDGET_SECONDS,
    _fragment_seconds,
    _pause_ms,
    escape,
    estimate_seconds,
)

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


@dataclass(slots=True)  # not frozen: a frozen dataclass's __init__ costs 4x (a response has ~60 lines)
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
            self.length = start + _fragment_seconds(ssml)

    def pad_to(self, seconds: float) -> None:
        self.length = max(self.length, seconds)

    def ssml(self) -> str:
        """The lines as one SSML fragment: breaks fill the time between them (ssml.Timeline's
        arithmetic, in one pass: wait_until each line's start, say it, wait_until the end)."""
        parts: list[str] = []
        at = 0.0
        for line in self.lines:
            gap = line.at - at
            if gap > 0.0005:
                ms = round(gap * 1000)
                parts.append(_pause_ms(ms))
                at += ms / 1000
            if line.ssml:
                parts.append(line.ssml)
                at += _fragment_seconds(line.ssml)
        gap = self.length - at
        if gap > 0.0005:
            parts.append(_pause_ms(round(gap * 1000)))
        return " ".join(parts)

    def chars(self) -> int:
        return sum(len(line.ssml) + 40 for line in self.lines)


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


# Per-process wordings of the cues that say only one-variant phrases and catalogue words:
# (phrases, key, str(params), the exercise words used) -> the non-empty options with their seconds.
# An intro (its steps depend on what this person heard), "wait" (the exercise after it) and "well
# done" (the caller's closing question) are worded on every response.
_CACHED_KEYS = frozenset(
    {"get_ready", "countdown", "hold_start", "count", "release", "rest", "switch_side", "next_up"}
)
_WORDINGS: dict[tuple[Any, ...], tuple[tuple[str, float], ...]] = {}
_MAX_WORDINGS = 4096
_LEAD_IN_KEYS = ("intro", "get_ready", "rest", "switch_side", "next_up")
_CHARS_LIMIT = MAX_SSML_CHARS - 2 * CHARS_RESERVE - CHARS_RESERVE  # for the chosen cues' params
_at = itemgetter("at")
_segment = itemgetter("segment")
_params = itemgetter("params")
_first = itemgetter(0)


def to_ms(seconds: float) -> float:
    """round(seconds, 3), faster: round(x, 3) formats x as decimal text and parses it back (about
    0.5 us). When x * 1000 is not near a half, its nearest integer is the exact product's, and
    r / 1000 is the double nearest that decimal, as round(x, 3) returns."""
    scaled = seconds * 1000.0
    if -1e12 < scaled < 1e12:
        whole = round(scaled)
        if whole and -0.4999 < scaled - whole < 0.4999:  # (0: round() keeps the sign of -0.0001)
            return whole / 1000
    return round(seconds, 3)


def _timed(options: Sequence[str]) -> tuple[tuple[str, float], ...]:
    """The non-empty options (an empty one is never said), in order, each with its speaking time."""
    return tuple((o, _fragment_seconds(o)) for o in options if o)


def script_for(
    data: Mapping[str, Any],
    words: Words,
    exercise: Callable[[str], ExerciseWords],
    *,
    audio_start: float,
    opening: str = "",
    budget: float = RESPONSE_BUDGET_SECONDS,
    phrases: Phrases | None = None,
) -> Script:
    """The response that leads the session from `audio_start` (absolute time the first word
    sounds) for as long as Alexa's limits allow. `opening` is said first (before any cue).

    `data["cues"]` are in segment order, a segment's cues all timed or none (as timeline_data
    gives them). `phrases`: the locale's phrases `words` says (words(key, **values) must then be
    phrases.say(key, ..., **values) for a phrase of one variant); given, a cue worded only from
    such phrases is worded once per process, not on every response."""
    script = Script()
    script.add(0.0, opening)
    segments: list[dict[str, Any]] = list(data["segments"])
    current = int(data["current"])
    closing_room = estimate_seconds(words("lead.go_on"), tail=True) + 1.0
    cues: Sequence[dict[str, Any]] = data["cues"]
    chosen: list[dict[str, Any]] = []
    shown: list[str] = []  # str(params) of each chosen cue: its size and its wording's cache key
    chosen_chars = 0  # sum(len(str(c["params"])) for c in chosen), kept as cues are chosen
    anchor = data["anchor"]
    end_at: float | None = None  # absolute time where the speech stops
    count = len(cues)
    j = bisect_left(cues, current, key=_segment)  # the first cue of the segment under way
    for seg in segments[current:]:
        start = seg["start"]
        if start is None:  # after a halt: nothing is planned
            script.end = "halt"
            break
        index = seg["index"]
        length = float(seg["duration"] or 0)
        if index == anchor["index"] and anchor["duration"] is not None:
            length = float(anchor["duration"])
        over_time = start + length - audio_start + closing_room > budget
        if index != current and (over_time or chosen_chars > _CHARS_LIMIT):
            script.barrier, script.end, end_at = index, "budget", start
            break
        while j < count and cues[j]["segment"] < index:
            j += 1
        k = j  # this segment's cues: cues[j:k]
        while k < count and cues[k]["segment"] == index:
            k += 1
        if k > j and cues[j]["at"] is not None:
            seg_cues = cues[j:k]
            seg_shown = list(map(str, map(_params, seg_cues)))
            chosen += seg_cues
            shown += seg_shown
            chosen_chars += sum(map(len, seg_shown))
        j = k
        if seg["kind"] == "wait":
            script.end, end_at = "wait", start
            break
    else:
        script.end = "done"
    ctx = {"routine_name": data.get("routine_name", ""), "next_exercise": _next_exercise(segments, chosen)}
    earliest = audio_start + script.length  # after the opening
    # The segment being joined part way: its opening cue (an intro, "get ready") is said at once,
    # at `earliest`; the cues before `earliest` are not said. What is said, in time order: the
    # chosen cues `order` (indexes) at `times`.
    ats = list(map(_at, chosen))
    if ats == sorted(ats):  # as the engine places them: the cues not said come first
        k = bisect_left(ats, earliest)
        lead_in = [i for i in range(k - 1, -1, -1) if chosen[i]["key"] in _LEAD_IN_KEYS][:1]
        order = [*lead_in, *range(k, len(chosen))]
        times = [earliest] * len(lead_in) + ats[k:]
    else:
        joined = [i for i, at in enumerate(ats) if at < earliest and chosen[i]["key"] in _LEAD_IN_KEYS][-1:]
        placed = [(earliest, i) for i in joined] + [(at, i) for i, at in enumerate(ats) if at >= earliest]
        placed.sort(key=_first)
        times, order = [at for at, _ in placed], [i for _, i in placed]
    # Cues that fall at the same moment (within 1 ms of the first; times are sorted) form one line.
    firsts: list[int] = []
    moment = 0.0
    for p, at in enumerate(times):
        if not firsts or not at - moment < 0.001:
            firsts.append(p)
            moment = at
    firsts.append(len(times))
    # Each cue's wordings, timed (a cue of one-variant phrases from the per-process wordings).
    names: dict[Any, tuple[str, str]] = {}  # exercise id -> (name, hold cue), asked once per response
    wordings: list[tuple[tuple[str, float], ...]] = []
    keys_said = [chosen[i]["key"] for i in order]
    for i, key in zip(order, keys_said, strict=True):
        c = chosen[i]
        if phrases is not None and key in _CACHED_KEYS:
            spoken: tuple[str, str] | None = None
            if key == "get_ready" or key == "next_up":  # the exercise words said are in the key
                ex_id = c["params"]["exercise"]
                if ex_id in names:
                    spoken = names[ex_id]
                else:
                    ex = exercise(str(ex_id))
                    spoken = names[ex_id] = (ex.name, ex.hold_cue)
            try:  # (a subscript, not .get(): no call)
                wordings.append(_WORDINGS[phrases, key, shown[i], spoken])
            except KeyError:
                wordings.append(_word_once(key, c["params"], shown[i], spoken, words, exercise, phrases))
        else:
            wordings.append(_timed(cue_options(key, c["params"], words, exercise, ctx)))
    lines, said_until = script.lines, script.length  # Script.add, inlined: its lines and length
    last_group = len(firsts) - 2
    for g in range(last_group + 1):
        begin_p, end_p = firsts[g], firsts[g + 1]
        at = times[begin_p]
        # the last line before a barrier must end there; a wait's or the end's words may run on
        following = times[end_p] if g < last_group else (end_at if script.end == "budget" else None)
        if following is None or following <= at:
            following = at + 30.0
        ready = audio_start + said_until + MIN_GAP
        room = following - (ready if ready > at else at)
        if end_p == begin_p + 1:  # one cue (most lines): its longest wording that fits
            limit = room - MIN_GAP
            for text, seconds in wordings[begin_p]:  # noqa: B007 (kept at the break)
                if seconds <= limit:
                    break
            else:
                continue
            keys: tuple[str, ...] = (keys_said[begin_p],)
        else:
            text, seconds = "", 0.0
            for p in range(begin_p, end_p):  # cues falling together share the room, first come first served
                limit = room - MIN_GAP
                for option, option_seconds in wordings[p]:  # the first (longest) that fits
                    if option_seconds <= limit:
                        room -= option_seconds
                        if text:
                            text = f"{text} {option}"
                            seconds = -1.0  # timed as a whole below
                        else:
                            text, seconds = option, option_seconds
                        break
            if not text:
                continue
            keys = tuple(keys_said[begin_p:end_p])
        offset = at - audio_start
        begin = said_until + MIN_GAP if lines else offset
        if not begin > offset:
            begin = offset
        lines.append(Line(to_ms(begin), text, at, keys))
        said_until = begin + (seconds if seconds >= 0.0 else _fragment_seconds(text))
    script.length = said_until
    if end_at is not None:
        script.pad_to(end_at - audio_start)
    if script.end == "budget":
        script.add(script.length, words("lead.go_on"))
    return script


def _word_once(
    key: str,
    params: Mapping[str, Any],
    shown: str,
    spoken: tuple[str, str] | None,
    words: Words,
    exercise: Callable[[str], ExerciseWords],
    phrases: Phrases,
) -> tuple[tuple[str, float], ...]:
    """`cue_options` of a cue that says catalogue words and phrases only, timed; kept for the
    process while every phrase it says has one variant in `phrases` (else worded on every call)."""
    said: list[str] = []

    def recording(phrase: str, **values: Any) -> str:
        said.append(phrase)
        return words(phrase, **values)

    options = _timed(cue_options(key, params, recording, exercise, {}))
    if all(len(phrases.variants(k)) == 1 for k in said):
        if len(_WORDINGS) >= _MAX_WORDINGS:
            _WORDINGS.clear()
        _WORDINGS[(phrases, key, shown, spoken)] = options
    return options


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
