"""Does each spoken cue land when the timeline says it happens? APLA and SSML side by side.

For every curated routine, the real skill leads a whole session on a real Coach (SQLite file,
a clock that runs as the audio plays): launch, start (a new person answers the once-only red-flag
screen "no" and skips the before check-in, as tests/e2e/clients.answer_before_start does), then
"go on" at every halt; only the turns once the routine runs are measured. Every
response is rendered locally (skill/speech/render_local.py, espeak-ng and sox) and, for every
line that announces a cue of the engine's schedule (counts, "3 2 1", "hold", "and release",
rests, sides, next up...), the offset between when it is heard and the cue's time on the
timeline (`Coach.timeline`) is recorded. Reported per routine: cues, turns, the 95th
percentile and the largest |offset|. Target with APLA: every cue under 0.25 s. Exit 1 when
APLA misses it, 2 when espeak-ng or sox is missing.

    python bench/voice_timeline.py [--routine morning-stretch] [--write DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ask_sdk_core.serialize import DefaultSerializer  # noqa: E402
from ask_sdk_model import RequestEnvelope  # noqa: E402

from shared_content.service import Coach  # noqa: E402
from skill import envelopes  # noqa: E402
from skill.builder import build_skill  # noqa: E402
from skill.handlers.flow import SPEECH_START_DELAY  # noqa: E402
from skill.speech import apla, render_local  # noqa: E402
from tests.e2e.clients import answer_before_start  # noqa: E402

TARGET_APLA = 0.25
MATCH = 0.06  # a line announces a cue when the skill placed it this close to the cue's time
USER = "amzn1.ask.account.BENCH"
SERIALIZER = DefaultSerializer()


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def invoke(skill: Any, envelope: dict[str, Any]) -> dict[str, Any]:
    request = SERIALIZER.deserialize(json.dumps(envelope), RequestEnvelope)
    return SERIALIZER.serialize(skill.invoke(request_envelope=request, context=None))


def placements_of(response: dict[str, Any], mode: str) -> tuple[list[tuple[float, float, str]], float]:
    """(intended, heard, words) of each line, and the heard length of the response."""
    if mode == "apla":
        docs = [d["document"] for d in response.get("directives") or [] if d["type"] == apla.DIRECTIVE_TYPE]
        if not docs:
            return [], 0.0
        found = render_local.apla_placements(docs[0])
        tail = max(
            (s["duration"] for s in docs[0]["mainTemplate"]["item"]["items"] if s["type"] == "Silence"),
            default=0,
        )
        ends = [h + render_local.measured(w)[0] for _, h, w in found]
        return found, max([tail / 1000.0, *ends])
    ssml = (response.get("outputSpeech") or {}).get("ssml", "")
    if not ssml:
        return [], 0.0
    found = render_local.ssml_placements(ssml)
    last = found[-1] if found else (0.0, 0.0, "")
    return found, last[1] + render_local.measured(last[2])[0]


def lead_session(routine_id: str, mode: str, write: Path | None) -> dict[str, Any]:
    os.environ[apla.ENV_SWITCH] = mode
    clock = Clock()
    with tempfile.TemporaryDirectory() as tmp:
        coach = Coach.from_url(f"sqlite:///{tmp}/bench.db", clock=clock)
        try:
            return _lead(coach, clock, routine_id, mode, write)
        finally:
            coach.close()


def _lead(coach: Coach, clock: Clock, routine_id: str, mode: str, write: Path | None) -> dict[str, Any]:
    skill = build_skill(coach)
    routine = coach.catalogue.routine(routine_id)
    session = envelopes.new_session_id()
    attrs: dict[str, Any] = {}
    attrs = invoke(skill, envelopes.launch(USER, session_id=session)).get("sessionAttributes") or {}
    if str(attrs.get("pending", "")).startswith("screen:"):  # the first launch asks the red-flag screen
        env = envelopes.intent("AMAZON.NoIntent", user_id=USER, attributes=attrs, session_id=session)
        attrs = invoke(skill, env).get("sessionAttributes") or {}
    person = coach.person_for_device("alexa", USER).id
    env = envelopes.intent(
        "StartRoutineIntent",
        {"routine": (routine.name, routine.id)},
        user_id=USER,
        new_session=False,
        attributes=attrs,
        session_id=session,
    )
    offsets: list[float] = []
    turns = 0
    for _ in range(60):
        sent_at = clock.now
        raw = invoke(skill, env)
        response = raw.get("response") or {}
        attrs = raw.get("sessionAttributes") or {}
        waiting = coach.current(person) is None or attrs.get("pending") == "equipment"
        answer = answer_before_start(attrs) if waiting else None
        if answer is not None:  # asked before the start (the check-in, the equipment): answered, not measured
            env = envelopes.intent(
                answer, user_id=USER, new_session=False, attributes=attrs, session_id=session
            )
            continue
        turns += 1
        data = coach.timeline(person) or {"cues": []}
        cue_times = [c["at"] for c in data["cues"] if c["at"] is not None]
        found, length = placements_of(response, mode)
        start = sent_at + SPEECH_START_DELAY
        for intended, heard, _words in found:
            at = start + intended
            nearest = min(cue_times, key=lambda t: abs(t - at), default=None)
            if nearest is not None and abs(nearest - at) <= MATCH:
                offsets.append(start + heard - nearest)
        if write is not None and turns == 1:
            _write(response, mode, write / f"{routine_id}-{mode}.wav")
        clock.now = start + length + 1.0  # the person answers a second after the speaker falls silent
        if response.get("shouldEndSession"):
            break
        env = envelopes.intent(
            "AMAZON.ResumeIntent", user_id=USER, new_session=False, attributes=attrs, session_id=session
        )
    return {"offsets": offsets, "turns": turns}


def _write(response: dict[str, Any], mode: str, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    if mode == "apla":
        doc = next(d["document"] for d in response["directives"] if d["type"] == apla.DIRECTIVE_TYPE)
        render_local.render_apla(doc, out)
    else:
        render_local.render_ssml(response["outputSpeech"]["ssml"], out)


def p95(values: list[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(abs(v) for v in values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--routine", action="append", help="only these routines (repeatable)")
    parser.add_argument("--write", type=Path, help="write each routine's first response as WAV here")
    args = parser.parse_args(argv)
    if not shutil.which("espeak-ng") or not shutil.which("sox"):
        print("espeak-ng and sox are needed", file=sys.stderr)
        return 2
    from shared_content.catalogue import load_catalogue

    routines = args.routine or list(load_catalogue().routines)
    print(
        f"{'routine':<22} {'cues':>5} {'turns':>5} {'APLA p95':>9} {'APLA max':>9} {'SSML p95':>9} {'SSML max':>9}"
    )
    ok = True
    for routine_id in routines:
        rows = {mode: lead_session(routine_id, mode, args.write) for mode in ("apla", "ssml")}
        a, s = rows["apla"]["offsets"], rows["ssml"]["offsets"]
        worst = max((abs(v) for v in a), default=0.0)
        ok = ok and worst < TARGET_APLA and bool(a)
        print(
            f"{routine_id:<22} {len(a):>5} {rows['apla']['turns']:>5} {p95(a):>8.3f}s {worst:>8.3f}s"
            f" {p95(s):>8.3f}s {max((abs(v) for v in s), default=0.0):>8.3f}s"
        )
    print(f"APLA target: every cue within {TARGET_APLA} s: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
