"""A local stand-in for Alexa's speech: the skill's SSML or APLA document as audio, with
espeak-ng and sox, and where in that audio each line is heard.

* SSML: the document plays front to back, every break after the words before it, so a line is
  heard when all earlier words have actually been said plus the breaks. `ssml_placements`
  renders each run of words between breaks with espeak-ng (SSML mode) and adds up the real
  lengths; `render_ssml` renders the whole document in one go (breaks honoured).
* APLA: each Speech is rendered on its own and starts at its Silence offset
  (`apla_placements`: offset + the voice's own leading silence); `render_apla` pads each
  part to its offset and mixes them with `sox -m`.

Used by bench/voice_timeline.py. Needs the espeak-ng and sox executables.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
import wave
from functools import lru_cache
from pathlib import Path
from typing import Any

from .apla import placements
from .ssml import estimate_seconds

_BREAK = re.compile(r'<break time="(\d+)ms"/>')
SILENCE_LEVEL = 0.01  # fraction of full scale below which a sample counts as silence


def espeak(ssml: str, out: Path) -> Path:
    body = ssml if ssml.startswith("<speak>") else f"<speak>{ssml}</speak>"
    subprocess.run(["espeak-ng", "-m", "-w", str(out), body], check=True, capture_output=True)
    return out


def _samples(path: Path) -> tuple[list[int], int]:
    with wave.open(str(path)) as w:
        rate, width, frames = w.getframerate(), w.getsampwidth(), w.readframes(w.getnframes())
    if width != 2:
        raise ValueError("espeak-ng writes 16-bit audio")
    return [int.from_bytes(frames[i : i + 2], "little", signed=True) for i in range(0, len(frames), 2)], rate


@lru_cache(maxsize=8192)
def measured(text: str) -> tuple[float, float]:
    """(seconds of audio up to the last sound, seconds of leading silence) espeak-ng makes of an
    SSML fragment. The silence it leaves after an utterance is not counted: inside one document
    the next words follow the break, not another utterance's tail."""
    with tempfile.TemporaryDirectory() as tmp:
        samples, rate = _samples(espeak(text, Path(tmp) / "part.wav"))
    limit = SILENCE_LEVEL * 32768
    lead = next((i for i, s in enumerate(samples) if abs(s) > limit), len(samples))
    last = next((i for i in range(len(samples) - 1, -1, -1) if abs(samples[i]) > limit), lead)
    return (last + 1) / rate, lead / rate


def ssml_runs(ssml: str) -> list[tuple[float, str]]:
    """(break seconds before it, words) for each run of words between breaks, in order."""
    body = ssml.removeprefix("<speak>").removesuffix("</speak>")
    out: list[tuple[float, str]] = []
    pending = 0.0
    pos = 0
    for m in _BREAK.finditer(body):
        text = body[pos : m.start()].strip()
        if text:
            out.append((pending, text))
            pending = 0.0
        pending += int(m.group(1)) / 1000.0
        pos = m.end()
    tail = body[pos:].strip()
    if tail:
        out.append((pending, tail))
    return out


def ssml_placements(ssml: str) -> list[tuple[float, float, str]]:
    """(intended, heard, words): when the skill's speaking-time model puts each run of words,
    and when espeak-ng actually says it (seconds from the response's start)."""
    intended = heard = 0.0
    out: list[tuple[float, float, str]] = []
    for pause, text in ssml_runs(ssml):
        intended += pause
        heard += pause
        length, lead = measured(text)
        out.append((intended, heard + lead, text))
        intended += estimate_seconds(text, tail=False)
        heard += length
    return out


def apla_placements(doc: dict[str, Any]) -> list[tuple[float, float, str]]:
    """(intended, heard, words) for every Speech of an APLA document."""
    out = []
    for offset, content in placements(doc):
        _, lead = measured(content)
        out.append((offset, offset + lead, content))
    return out


def render_ssml(ssml: str, out: Path) -> Path:
    return espeak(ssml, out)


def render_apla(doc: dict[str, Any], out: Path) -> Path:
    """Every Speech rendered alone, padded to its offset and mixed with sox."""
    with tempfile.TemporaryDirectory() as tmp:
        padded = []
        for i, (offset, content) in enumerate(placements(doc)):
            part = espeak(content, Path(tmp) / f"{i}.wav")
            moved = Path(tmp) / f"{i}p.wav"
            subprocess.run(["sox", str(part), str(moved), "pad", f"{offset:.3f}"], check=True)
            padded.append(str(moved))
        if len(padded) == 1:
            subprocess.run(["sox", padded[0], str(out)], check=True)
        else:
            subprocess.run(["sox", "-m", *padded, str(out)], check=True)
    return out
