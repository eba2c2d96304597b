"""Counting a hold aloud so that the speech lasts as long as the hold.

Holds up to 10 s are counted every second ("1 <break/> 2 <break/> ..."); longer holds are
counted in steps of five ("1 ... 5 ... 10 ... 15 ... 20") with breaks filling the time.
Count word k starts about k - 1 seconds into the hold (the "one" is said as the hold begins;
the count runs evenly a little quicker than one a second, so the last number and the release
fit without being rushed together), and
the release phrase ("and release") is placed so that the whole fragment, with the small
silence a voice leaves at the end of an utterance, lasts the hold's length. Inside a longer
response that silence is given back as a break (see `hold_into`), so a count of N seconds
always occupies N seconds on the session's timeline, the one the phone counts down.

Every break is at most 10 s (Alexa's limit); the longest one here is under 5 s.
"""

from __future__ import annotations

# The counting rule is shared with the phone (the engine's cue schedule uses it too).
from shared_content.vocabulary import DEFAULT_LOCALE, count_marks

from .phrases import phrases
from .ssml import TAIL_SECONDS, Timeline, estimate_seconds

__all__ = ["count_marks", "count_hold", "hold_into"]

MIN_GAP = 0.05  # shortest silence kept between two spoken words


def hold_into(tl: Timeline, seconds: int, release: str) -> Timeline:
    """Append a counted hold of `seconds` to `tl`, ending exactly `seconds` later (release included)."""
    start = tl.at
    release_len = estimate_seconds(release, tail=False)
    end_of_words = start + seconds - TAIL_SECONDS
    marks = count_marks(seconds)
    # The last number must leave room for itself and the release phrase. Rather than pull only
    # that one earlier ("... 3, 4-5-and-release"), the whole count is evenly a touch quicker.
    last_word = estimate_seconds(str(marks[-1]), tail=False)
    latest = end_of_words - release_len - last_word - MIN_GAP - start
    scale = min(1.0, latest / (marks[-1] - 1)) if marks[-1] > 1 else 1.0
    for i, mark in enumerate(marks):
        word = str(mark)
        planned = start + (mark - 1) * scale
        if i:
            tl.wait_until(max(planned, tl.at + MIN_GAP))
        tl.say(word)
    tl.wait_until(max(end_of_words - release_len, tl.at + MIN_GAP))
    tl.say(release)
    return tl


def count_hold(seconds: int, locale: str = DEFAULT_LOCALE, *, seed: str | int = 0) -> str:
    """SSML fragment (no <speak> root) counting a hold of `seconds` (1..60) and finishing
    with the locale's release phrase. Its estimated audio length, voice tail included, is
    `seconds` (see skill.speech.ssml for the speaking-time model)."""
    if not 1 <= int(seconds) <= 60:
        raise ValueError(f"holds are 1..60 seconds, not {seconds!r}")
    release = phrases(locale).say("count.release", seed=seed)
    return hold_into(Timeline(), int(seconds), release).ssml()
