"""`psoas-coach talk`: the voice console. Type what you would say to Alexa.

    psoas-coach talk [--url URL] [--speak] [--realtime] [--locale en-US] [--user-id ID] [--apl]

Each line is matched to an intent and slots with the interaction model's own samples and slot
values (skill.utterance_matcher), sent as a real request envelope (skill.envelopes) by HTTP POST
to the skill endpoint, and the reply is printed: speech as readable text with pauses shown, the
reprompt, and a note when a card or a screen (APL) document came back. Session attributes are
carried from each response into the next request, like Alexa does. Lines can be piped in:

    printf 'open psoas coach\\nstart the morning stretch\\nnext\\n' | psoas-coach talk

A reply that counts a hold or waits out a rest takes far longer to say than to read: after
it the console prints a dim note with the skill's own estimate of its spoken length
(skill.speech.ssml.estimate_seconds), e.g. "(about 35 s spoken on a speaker)". With
`--realtime` the console also waits that long before it reads the next line, so typed (or
piped) answers reach the skill when they would from a person listening to a speaker; in a
terminal, Ctrl-C cuts the wait short, like talking over Alexa.

"quit" or "exit" (or end of input) leaves the console, ending any open session with a
SessionEndedRequest. "open psoas coach" or "launch" sends a LaunchRequest.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any, TextIO

from shared_content.paths import data_dir
from shared_content.vocabulary import DEFAULT_LOCALE, LOCALES

DEFAULT_URL = "http://127.0.0.1:8000/alexa"
CONSOLE_COMMANDS = {"quit", "exit", ":q"}
PROMPT = "you> "
TIMED_BREAKS_SECONDS = 2.0  # a reply with at least this much silence in it counts or rests
DIM, RESET = "\033[2m", "\033[0m"


# ---------------------------------------------------------------------------------------------
# SSML -> readable text
# ---------------------------------------------------------------------------------------------
_STRENGTH_PAUSE = {
    "none": "",
    "x-weak": " ",
    "weak": ", ",
    "medium": " … ",
    "strong": " … ",
    "x-strong": " … ",
}


def _break(match: re.Match) -> str:
    attrs = dict(re.findall(r'(\w+)\s*=\s*["\']([^"\']*)["\']', match.group(0)))
    time = attrs.get("time")
    if time:
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(ms|s)\s*", time)
        if m:
            value, unit = float(m.group(1)), m.group(2)
            seconds = value / 1000 if unit == "ms" else value
            if seconds < 0.3:
                return " "
            shown = f"{seconds:g}s" if seconds >= 1 else f"{int(round(seconds * 1000))}ms"
            return f" [pause {shown}] "
        return f" [pause {time}] "
    return _STRENGTH_PAUSE.get(attrs.get("strength", "medium"), " … ")


def _say_as(match: re.Match) -> str:
    attrs = dict(re.findall(r'([\w-]+)\s*=\s*["\']([^"\']*)["\']', match.group(1)))
    inner = match.group(2)
    if attrs.get("interpret-as") in {"digits", "characters", "spell-out", "telephone"}:
        return " ".join(re.sub(r"\s+", "", html.unescape(inner)))
    return inner


def ssml_to_text(ssml: str | None) -> str:
    """Readable text from SSML: breaks become "[pause 1s]" or "…", digits are spaced, tags dropped."""
    if not ssml:
        return ""
    text = re.sub(r"<break\b[^>]*/?>", _break, ssml)
    text = re.sub(r"<say-as\b([^>]*)>(.*?)</say-as>", _say_as, text, flags=re.S)
    text = re.sub(r"<audio\b[^>]*/?>", " [sound] ", text)
    text = re.sub(r"<sub\b[^>]*alias\s*=\s*[\"']([^\"']*)[\"'][^>]*>.*?</sub>", r"\1", text, flags=re.S)
    text = re.sub(r"</p>\s*<p\b[^>]*>", "\n", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = html.unescape(text)
    lines = [" ".join(line.split()) for line in text.split("\n")]
    text = "\n".join(line for line in lines if line)
    text = re.sub(r"\s+([,.!?;:])", r"\1", text)
    return text.strip()


def spoken_seconds(ssml: str | None) -> float | None:
    """The skill's estimate of how long a reply takes to say on a speaker, for replies that
    count holds or wait out rests (their breaks add up to TIMED_BREAKS_SECONDS or more); None
    for ordinary replies, whose length a reader can judge."""
    from skill.speech.ssml import break_seconds, estimate_seconds

    if not ssml or sum(break_seconds(ssml)) < TIMED_BREAKS_SECONDS:
        return None
    return estimate_seconds(ssml)


def spoken_note(seconds: float) -> str:
    seconds = int(round(seconds))
    if seconds < 90:
        return f"(about {seconds} s spoken on a speaker)"
    minutes, rest = divmod(seconds, 60)
    return (
        f"(about {minutes} min {rest} s spoken on a speaker)"
        if rest
        else f"(about {minutes} min spoken on a speaker)"
    )


def _wait(seconds: float) -> None:
    time.sleep(seconds)


def _speech(output: dict[str, Any] | None) -> tuple[str, str]:
    """(readable text, raw ssml) of an outputSpeech object."""
    if not output:
        return "", ""
    if output.get("type") == "PlainText" or "ssml" not in output:
        plain = output.get("text", "")
        return plain, f"<speak>{html.escape(plain)}</speak>"
    return ssml_to_text(output["ssml"]), output["ssml"]


# ---------------------------------------------------------------------------------------------
# The console
# ---------------------------------------------------------------------------------------------
def default_user_id() -> str:
    """A per-machine Alexa-like user id, kept under the user data folder so sessions persist."""
    path = Path(data_dir()) / "console-user-id"
    try:
        existing = path.read_text(encoding="utf-8").strip()
        if existing:
            return existing
    except OSError:
        pass
    user_id = f"amzn1.ask.account.console-{uuid.uuid4().hex}"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(user_id + "\n", encoding="utf-8")
    except OSError:
        pass
    return user_id


class ServerUnreachable(Exception):
    pass


class Console:
    def __init__(
        self,
        url: str,
        *,
        locale: str = DEFAULT_LOCALE,
        user_id: str,
        apl: bool = False,
        speak: bool = False,
        realtime: bool = False,
        out: TextIO = sys.stdout,
        model: dict | None = None,
        timeout: float = 30.0,
    ):
        import requests

        from skill.utterance_matcher import UtteranceMatcher

        if model is None:
            model = _load_model(locale)
        self.url, self.locale, self.user_id, self.apl = url, locale, user_id, apl
        self.out, self.timeout, self.realtime = out, timeout, realtime
        self.dim = out.isatty()
        self.matcher = UtteranceMatcher(model)
        self.slot_types = {
            (i["name"], s["name"]): s["type"]
            for i in model["interactionModel"]["languageModel"]["intents"]
            for s in i.get("slots", [])
        }
        self.http = requests.Session()
        self.session_id: str | None = None
        self.attributes: dict[str, Any] = {}
        self.speaker = shutil.which("espeak-ng") if speak else None
        if speak and not self.speaker:
            self.say("(--speak: espeak-ng is not installed, so replies are only printed.)")

    def say(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def note(self, text: str) -> None:
        """A side remark, dim on a terminal."""
        self.say(f"  {DIM}{text}{RESET}" if self.dim else f"  {text}")

    # -- requests ----------------------------------------------------------------------------
    def _build(self, utterance: str) -> tuple[dict[str, Any], str]:
        from skill import envelopes
        from skill.utterance_matcher import LAUNCH

        match = self.matcher.match(utterance)
        if match.intent == LAUNCH:
            self.session_id = envelopes.new_session_id()
            self.attributes = {}
            env = envelopes.launch(
                self.user_id, locale=self.locale, apl=self.apl, new_session=True, session_id=self.session_id
            )
            return env, "LaunchRequest"
        new = self.session_id is None
        if new:
            self.session_id = envelopes.new_session_id()
            self.attributes = {}
        env = envelopes.intent(
            match.intent,
            match.slots or None,
            user_id=self.user_id,
            locale=self.locale,
            apl=self.apl,
            new_session=new,
            attributes=self.attributes,
            session_id=self.session_id,
        )
        # Built-in slot types (AMAZON.NUMBER) carry no entity resolution in a real request.
        for name, slot in env["request"]["intent"]["slots"].items():
            if self.slot_types.get((match.intent, name), "").startswith("AMAZON."):
                slot.pop("resolutions", None)
        shown = ", ".join(
            f"{k}={v[1] if isinstance(v, tuple) else v}" for k, v in (match.slots or {}).items()
        )
        label = f"{match.intent}({shown})" if shown else match.intent
        return env, label

    def _post(self, envelope: dict[str, Any]) -> dict[str, Any] | None:
        import requests

        try:
            resp = self.http.post(
                self.url,
                data=json.dumps(envelope),
                headers={"Content-Type": "application/json"},
                timeout=self.timeout,
            )
        except requests.ConnectionError as exc:
            raise ServerUnreachable(str(exc)) from None
        except requests.Timeout:
            self.say(f"(no answer from {self.url} within {self.timeout:g}s)")
            return None
        if resp.status_code != 200:
            body = resp.text.strip().replace("\n", " ")
            self.say(f"(the skill answered HTTP {resp.status_code}: {body[:300]})")
            return None
        try:
            return resp.json()
        except ValueError:
            self.say(f"(the skill answered with something that is not JSON: {resp.text[:200]!r})")
            return None

    def _show(self, reply: dict[str, Any]) -> None:
        response = reply.get("response") or {}
        text, ssml = _speech(response.get("outputSpeech"))
        if text:
            self.say(f"Alexa: {text}")
        reprompt_text, _ = _speech((response.get("reprompt") or {}).get("outputSpeech"))
        if reprompt_text:
            self.say(f"  (reprompt) {reprompt_text}")
        card = response.get("card")
        if card:
            self.say(f"  [card: {card.get('title') or card.get('type', 'card')}]")
        for directive in response.get("directives") or []:
            kind = directive.get("type", "")
            if kind == "Alexa.Presentation.APL.RenderDocument":
                self.say(f"  [screen: APL document sent (token {directive.get('token', '-')})]")
            elif kind.startswith("Alexa.Presentation.APL"):
                self.say(f"  [screen: {kind.rsplit('.', 1)[-1]}]")
            elif kind:
                self.say(f"  [directive: {kind}]")
        seconds = spoken_seconds(ssml)
        if seconds is not None:
            self.note(spoken_note(seconds))
        started = time.monotonic()
        if self.speaker and ssml:
            try:
                subprocess.run(
                    [self.speaker, "-m"],
                    input=ssml.encode("utf-8"),
                    check=False,
                    timeout=300,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            except (OSError, subprocess.TimeoutExpired):
                self.say("(espeak-ng could not speak that)")
        if self.realtime and seconds is not None:
            # espeak-ng already took its time; wait out only what is left of the estimate
            self.hold_on(seconds - (time.monotonic() - started))

    def hold_on(self, seconds: float) -> None:
        """--realtime: let the reply's spoken length pass before the next line is read."""
        if seconds <= 0:
            return
        try:
            _wait(seconds)
        except KeyboardInterrupt:  # talking over the speaker
            self.note("(wait cut short)")

    def send(self, utterance: str) -> None:
        envelope, label = self._build(utterance)
        self.say(f"  -> {label}")
        reply = self._post(envelope)
        if reply is None:
            return
        self.attributes = dict(reply.get("sessionAttributes") or {})
        self._show(reply)
        if (reply.get("response") or {}).get("shouldEndSession") is True:
            self.say("  [session ended]")
            self.session_id = None
            self.attributes = {}

    def end(self) -> None:
        """Leave the console: close an open session with a SessionEndedRequest."""
        from skill import envelopes

        if self.session_id is None:
            return
        env = envelopes.session_ended(
            self.user_id,
            "USER_INITIATED",
            locale=self.locale,
            apl=self.apl,
            attributes=self.attributes,
            session_id=self.session_id,
        )
        self.session_id = None
        try:
            self._post(env)
        except ServerUnreachable:
            pass


def _load_model(locale: str) -> dict[str, Any]:
    """The checked-in model for ``locale`` if present, else a fresh build from the catalogue."""
    from skill.interaction_model import MODELS_DIR, build_model

    path = MODELS_DIR / f"{locale}.json"
    if path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    return build_model(locale)


def _lines(stdin: TextIO, out: TextIO):
    interactive = stdin.isatty()
    if interactive:
        try:
            import readline  # noqa: F401  (history and line editing for input())
        except ImportError:  # pragma: no cover
            pass
        while True:
            try:
                yield input(PROMPT)
            except EOFError:
                print(file=out)
                return
            except KeyboardInterrupt:
                print(file=out)
                return
    else:
        for line in stdin:
            line = line.rstrip("\n")
            print(f"{PROMPT}{line}", file=out, flush=True)
            yield line


def build_parser() -> argparse.ArgumentParser:

    p = argparse.ArgumentParser(
        prog="psoas-coach talk", description="The voice console: type what you would say to Alexa."
    )
    p.add_argument(
        "--url",
        default=os.environ.get("PSOAS_ALEXA_URL", DEFAULT_URL),
        help=f"the skill endpoint (default {DEFAULT_URL})",
    )
    p.add_argument("--speak", action="store_true", help="also speak replies with espeak-ng, if installed")
    p.add_argument(
        "--realtime",
        action="store_true",
        help="after a reply that counts or rests, wait as long as it takes to say before reading "
        "the next line (Ctrl-C cuts a wait short)",
    )
    p.add_argument("--locale", default=DEFAULT_LOCALE, choices=LOCALES)
    p.add_argument(
        "--user-id", default=None, help="Alexa user id to send (default: one stable id per machine)"
    )
    p.add_argument("--apl", action="store_true", help="pretend the device has a screen (APL)")
    return p


def main(argv: list[str] | None = None, *, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    args = build_parser().parse_args(argv)
    stdin = stdin or sys.stdin
    out = stdout or sys.stdout
    console = Console(
        args.url,
        locale=args.locale,
        user_id=args.user_id or default_user_id(),
        apl=args.apl,
        speak=args.speak,
        realtime=args.realtime,
        out=out,
    )
    if stdin.isatty():
        console.say(
            f"Psoas Coach voice console -> {args.url} ({args.locale}). "
            "Say 'open psoas coach' to begin; 'quit' leaves."
        )
    try:
        for line in _lines(stdin, out):
            line = line.strip()
            if not line:
                continue
            if line.lower() in CONSOLE_COMMANDS:
                break
            console.send(line)
        console.end()
    except ServerUnreachable:
        print(
            f"Could not reach the skill at {args.url}. Is `make run` running? "
            "(or pass --url to point at another server)",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
