"""A Script as an APL for audio (APLA) document: every line starts at its own time.

Layout: the document's mainTemplate item is a Mixer (its children play at the same time); each
child is a Sequencer of a Silence (the line's offset in milliseconds) and a Speech (the line,
SSML). So each line starts at its offset whatever the lengths of the lines before it: spoken
and shown counts cannot drift, unlike SSML, where every break follows the previous word's
actual (not estimated) length.

Documented components we use (docs/architecture.md, "Voice on the timeline", cites the pages):
Mixer, Sequencer, Silence (`duration`, ms, required), Speech (`content`, `contentType`
"PlainText" | "SSML"); the document is {"type": "APLA", "version": "0.91", "mainTemplate":
{"parameters": [...], "item": ...}}, sent with the Alexa.Presentation.APLA.RenderDocument
directive. A Silence may not be the whole response (it never is here).
"""

from __future__ import annotations

import os
from typing import Any

from .lead import Script
from .ssml import MAX_RESPONSE_AUDIO_SECONDS, SSMLError, estimate_seconds, validate

# Every Alexa device plays APLA ("All Alexa devices can play the audio response", APL for Audio
# Reference), and supportedInterfaces has no entry for it (ask-sdk-model's SupportedInterfaces
# neither), so it is a deployment choice: PSOAS_VOICE_AUDIO=apla. The default stays SSML.
ENV_SWITCH = "PSOAS_VOICE_AUDIO"


def enabled() -> bool:
    return os.environ.get(ENV_SWITCH, "ssml").strip().lower() == "apla"


DIRECTIVE_TYPE = "Alexa.Presentation.APLA.RenderDocument"
INTERFACE = "Alexa.Presentation.APLA"
TOKEN = "psoas-voice"
VERSION = "0.91"
COMPONENTS = {"Mixer", "Sequencer", "Silence", "Speech"}


def document(script: Script) -> dict[str, Any]:
    tracks: list[dict[str, Any]] = []
    for line in script.lines:  # (speak(line.ssml), inlined: a response has ~60 lines)
        speech = {"type": "Speech", "contentType": "SSML", "content": f"<speak>{line.ssml}</speak>"}
        ms = round(line.at * 1000)
        items = [{"type": "Silence", "duration": ms}, speech] if ms > 0 else [speech]
        tracks.append({"type": "Sequencer", "items": items})
    tail = round(script.length * 1000)
    if tail > 0:  # the response lasts to its end (the barrier), silence included
        tracks.append({"type": "Silence", "duration": tail})
    return {
        "type": "APLA",
        "version": VERSION,
        "mainTemplate": {"parameters": ["payload"], "item": {"type": "Mixer", "items": tracks}},
    }


def directive(script: Script) -> dict[str, Any]:
    return {"type": DIRECTIVE_TYPE, **directive_fields(script)}


def directive_fields(script: Script) -> dict[str, Any]:
    """The RenderDocument directive's fields (ask-sdk-model's RenderDocumentDirective(**these))."""
    return {"token": TOKEN, "document": document(script), "datasources": {}}


def placements(doc: dict[str, Any]) -> list[tuple[float, str]]:
    """(offset seconds, SSML) of every Speech, where the document starts it (for the renderer)."""
    out: list[tuple[float, str]] = []
    for track in doc["mainTemplate"]["item"]["items"]:
        if track["type"] != "Sequencer":
            continue
        offset = 0.0
        for item in track["items"]:
            if item["type"] == "Silence":
                offset += item["duration"] / 1000.0
            elif item["type"] == "Speech":
                out.append((offset, item["content"]))
    return out


def validate_document(doc: dict[str, Any]) -> None:
    """Raise SSMLError unless the document uses only the documented components, each Speech is
    valid SSML, and the whole lasts at most Alexa's 240 s."""
    if doc.get("type") != "APLA" or doc.get("version") != VERSION:
        raise SSMLError("not an APLA 0.91 document")
    root = doc["mainTemplate"]["item"]
    longest = 0.0

    def walk(node: dict[str, Any]) -> None:
        if node.get("type") not in COMPONENTS:
            raise SSMLError(f"component {node.get('type')!r} is not one we render")
        if node["type"] == "Silence" and not isinstance(node.get("duration"), int):
            raise SSMLError("a Silence needs a duration in ms")
        if node["type"] == "Speech":
            validate(node["content"])
        for child in node.get("items", []):
            walk(child)

    walk(root)
    for offset, content in placements(doc):
        longest = max(longest, offset + estimate_seconds(content))
    if longest > MAX_RESPONSE_AUDIO_SECONDS:
        raise SSMLError(f"about {longest:.0f} s of audio; Alexa allows {MAX_RESPONSE_AUDIO_SECONDS:.0f} s")
