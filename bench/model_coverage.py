"""How much of what real people say does the en-US model cover?

Reads a held-out set (text -> expected intent, written without looking at the samples):
tests/skill/data/utterances_heldout.toml by default, or the one --heldout names (utterances_blind.toml
is a second set, written blind and scored before any sample was changed for it). For each utterance it
asks:

* within one word: is there a sample of the expected intent at most one token edit (insert, delete or
  substitute one word) away, a slot in the sample standing for any of its type's values? Words are
  normalised with the console's matcher (skill/utterance_matcher.py), the same way it reads typed text;
* matched: does the console's matcher itself pick the expected intent?

An utterance meant for AMAZON.FallbackIntent (nothing the skill does) is "within one word" when no
sample of any other intent is within one word of it: no intent would claim it.

Reports both as shares, split into custom and built-in intents, and lists the misses.

    .venv/bin/python bench/model_coverage.py [--locale en-US] [--heldout PATH] [--misses]
"""

from __future__ import annotations

import argparse
import re
import sys
import tomllib
from collections.abc import Container
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skill import interaction_model as im
from skill.utterance_matcher import TIME_PATTERN, UtteranceMatcher, normalize

DATA = Path(__file__).resolve().parent.parent / "tests" / "skill" / "data"
HELDOUT = DATA / "utterances_heldout.toml"
BLIND = DATA / "utterances_blind.toml"
FALLBACK = "AMAZON.FallbackIntent"
MAX_SLOT_WORDS = 6


class SpokenTimes(Container[str]):
    """AMAZON.TIME's values, as the console's matcher hears them ("eight in the morning", "noon")."""

    def __contains__(self, said: object) -> bool:
        return isinstance(said, str) and re.fullmatch(TIME_PATTERN, said) is not None


def load_heldout(path: Path = HELDOUT) -> dict[str, str]:
    with open(path, "rb") as fh:
        return dict(tomllib.load(fh)["utterances"])


def _sample_tokens(sample: str) -> list[str]:
    """Words of a sample, each slot kept as one "{name}" token."""
    out: list[str] = []
    for part in sample.split():
        out.append(part if part.startswith("{") else normalize(part))
    return [t for t in out if t]


def token_distance(words: list[str], sample: list[str], slot_values: dict[str, Container[str]]) -> int:
    """Fewest word edits turning `words` into `sample`, where a "{slot}" token costs nothing when it
    covers a run of words that is one of its values (a slot with no fitting run is one edit)."""
    n, m = len(words), len(sample)
    inf = n + m + 1
    dist = [[inf] * (m + 1) for _ in range(n + 1)]
    dist[0][0] = 0
    for i in range(n + 1):
        for j in range(m + 1):
            here = dist[i][j]
            if here >= inf:
                continue
            if i < n:  # an extra word in what was said
                dist[i + 1][j] = min(dist[i + 1][j], here + 1)
            if j < m:  # a sample word (or slot) not said
                dist[i][j + 1] = min(dist[i][j + 1], here + 1)
            if i < n and j < m:
                token = sample[j]
                if token.startswith("{"):
                    values = slot_values.get(token, set())
                    for k in range(1, min(MAX_SLOT_WORDS, n - i) + 1):
                        if " ".join(words[i : i + k]) in values:
                            dist[i + k][j + 1] = min(dist[i + k][j + 1], here)
                    dist[i + 1][j + 1] = min(dist[i + 1][j + 1], here + 1)
                else:
                    cost = 0 if words[i] == token else 1
                    dist[i + 1][j + 1] = min(dist[i + 1][j + 1], here + cost)
    return dist[n][m]


def _fewest_edits(said: int, sample: list[str]) -> int:
    """A lower bound of token_distance: each sample token covers one word (a slot up to
    MAX_SLOT_WORDS), so a length gap needs at least that many edits."""
    slots = sum(1 for t in sample if t.startswith("{"))
    longest = len(sample) + slots * (MAX_SLOT_WORDS - 1)
    return max(len(sample) - said, said - longest, 0)


@dataclass
class Score:
    text: str
    expected: str
    distance: int
    matched: str

    @property
    def near(self) -> bool:
        if self.expected == FALLBACK:  # distance is then to the nearest sample of any other intent
            # one word said is "near" every one-word sample, so there only an exact sample counts
            return self.distance > min(1, len(self.text.split()) - 1)
        return self.distance <= 1

    @property
    def custom(self) -> bool:
        return not self.expected.startswith("AMAZON.")


class Coverage:
    def __init__(self, model: dict[str, Any]):
        self.matcher = UtteranceMatcher(model)
        lm = model["interactionModel"]["languageModel"]
        type_values = {t: set(table) for t, table in self.matcher.values.items()}
        self.intents: dict[str, list[tuple[list[str], dict[str, Container[str]]]]] = {}
        for intent in lm["intents"]:
            slots = {f"{{{s['name']}}}": s["type"] for s in intent.get("slots", [])}
            values: dict[str, Container[str]] = {name: type_values.get(t, set()) for name, t in slots.items()}
            for name, t in slots.items():
                if t == "AMAZON.TIME":
                    values[name] = SpokenTimes()
                if t == "AMAZON.NUMBER":
                    values[name] = {str(i) for i in range(100)} | set(im.number_words(i) for i in range(100))
            self.intents[intent["name"]] = [(_sample_tokens(s), values) for s in intent["samples"]]

    def score(self, text: str, expected: str) -> Score:
        # what reaches the skill: Alexa keeps the wake word ("alexa next") and invocation to itself
        words = self.matcher.strip_invocation(normalize(text))[0].split()
        names = [n for n in self.intents if n != FALLBACK] if expected == FALLBACK else [expected]
        best = len(words) + 1
        for name in names:
            for tokens, values in self.intents.get(name, []):
                if _fewest_edits(len(words), tokens) < best:  # else it cannot beat the best so far
                    best = min(best, token_distance(words, tokens, values))
        return Score(text, expected, best, self.matcher.match(text).intent)


def share(scores: list[Score], test) -> float:
    return sum(1 for s in scores if test(s)) / len(scores) if scores else 0.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--locale", default="en-US")
    parser.add_argument(
        "--heldout", type=Path, default=HELDOUT, help=f"held-out set (default {HELDOUT.name})"
    )
    parser.add_argument("--misses", action="store_true", help="list the utterances not covered")
    args = parser.parse_args(argv)
    coverage = Coverage(im.build_model(args.locale))
    scores = [coverage.score(text, intent) for text, intent in load_heldout(args.heldout).items()]
    groups = {
        "custom": [s for s in scores if s.custom],
        "built-in": [s for s in scores if not s.custom],
        "overall": scores,
    }
    print(f"{args.locale}: {len(scores)} held-out utterances ({args.heldout.name})")
    for name, group in groups.items():
        near = share(group, lambda s: s.near)
        matched = share(group, lambda s: s.matched == s.expected)
        print(
            f"  {name:9} n={len(group):3}  within one word {near:6.1%}   console matcher right {matched:6.1%}"
        )
    if args.misses:
        for s in scores:
            if not s.near or s.matched != s.expected:
                print(f"  miss: {s.text!r} -> {s.expected} (distance {s.distance}, matcher {s.matched})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
