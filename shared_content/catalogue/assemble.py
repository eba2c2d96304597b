"""Builds a routine to fit a time budget, and encodes the request in the routine id so any
process can rebuild exactly the same routine from the id alone ("custom-10-stretch-no-floor")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared_content import timing
from shared_content.catalogue.model import Exercise, Routine
from shared_content.vocabulary import CATEGORIES, MAX_ROUTINE_MINUTES, MIN_ROUTINE_MINUTES, POSITIONS

ANY_FOCUS = "any"
CUSTOM_PREFIX = "custom-"

_FOCUS_WORDS = {
    "stretch": "stretch",
    "strengthen": "strengthening",
    "release": "release",
    "posture": "posture",
}
_FOCUS_PLURALS = {
    "stretch": "stretches",
    "strengthen": "strengthening exercises",
    "release": "release techniques",
    "posture": "posture checks",
}
_ID = re.compile(
    r"^custom-(?P<minutes>[1-9][0-9]?)-(?P<focus>any|" + "|".join(CATEGORIES) + r")"
    r"(?P<avoid>(?:-no-(?:" + "|".join(POSITIONS) + r"))*)$"
)


@dataclass(frozen=True)
class Request:
    """A normalised assemble request: `focus` is a category or "any", `avoid` is sorted."""

    minutes: int
    focus: str
    avoid: tuple[str, ...]

    @property
    def routine_id(self) -> str:
        return f"{CUSTOM_PREFIX}{self.minutes}-{self.focus}" + "".join(f"-no-{p}" for p in self.avoid)

    @property
    def name(self) -> str:
        kind = "" if self.focus == ANY_FOCUS else f" {_FOCUS_WORDS[self.focus]}"
        avoiding = f" ({', '.join(f'no {p}' for p in self.avoid)})" if self.avoid else ""
        return f"{self.minutes}-minute{kind} routine{avoiding}"

    @property
    def description(self) -> str:
        unit = "minute" if self.minutes == 1 else "minutes"
        parts = [f"Built to fit in {self.minutes} {unit}"]
        if self.focus != ANY_FOCUS:
            parts.append(f"favouring {_FOCUS_PLURALS[self.focus]}")
        if self.avoid:
            parts.append("with no " + " or ".join(self.avoid) + " work")
        return ", ".join(parts) + "."


def make_request(
    minutes: int, focus: str | None, avoid_positions: set[str] | frozenset[str] | None
) -> Request:
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise ValueError(
            f"minutes must be a whole number from {MIN_ROUTINE_MINUTES} to {MAX_ROUTINE_MINUTES} (got {minutes!r})"
        )
    if not MIN_ROUTINE_MINUTES <= minutes <= MAX_ROUTINE_MINUTES:
        raise ValueError(
            f"minutes must be from {MIN_ROUTINE_MINUTES} to {MAX_ROUTINE_MINUTES} (got {minutes})"
        )
    # "mixed" is the routine focus for no preference, so accept it as a synonym of none.
    normal_focus = ANY_FOCUS if focus in (None, "", ANY_FOCUS, "mixed") else focus
    if normal_focus != ANY_FOCUS and normal_focus not in CATEGORIES:
        raise ValueError(f"unknown focus {focus!r}; choose one of {', '.join(CATEGORIES)}, or none")
    avoid = set(avoid_positions or ())
    unknown = sorted(avoid - set(POSITIONS))
    if unknown:
        raise ValueError(f"unknown position {unknown[0]!r} to avoid; positions are {', '.join(POSITIONS)}")
    return Request(minutes, normal_focus, tuple(sorted(avoid)))


def parse_routine_id(routine_id: str) -> Request | None:
    """The request an assembled id encodes, or None if it is not a canonical assembled id."""
    match = _ID.match(routine_id)
    if not match:
        return None
    avoid = [p for p in match["avoid"].split("-no-") if p]
    request = Request(int(match["minutes"]), match["focus"], tuple(sorted(set(avoid))))
    # Only the canonical spelling (sorted, no repeats) round-trips; anything else is unknown.
    if request.routine_id != routine_id or request.minutes > MAX_ROUTINE_MINUTES:
        return None
    return request


def _candidates(request: Request, exercises: dict[str, Exercise]) -> list[Exercise]:
    """Usable exercises, focus category first, each group in article order."""
    usable = [
        e
        for e in exercises.values()
        if e.position not in request.avoid
        # Guidance has no timer, so it only fills a routine that asks for posture checklists.
        and (not e.is_guidance or (request.focus == "posture" and e.category == "posture"))
    ]
    preferred = [e for e in usable if e.category == request.focus]
    return preferred + [e for e in usable if e.category != request.focus]


FIT_SHARE = 0.85  # an assembled routine should come within 15 % of the minutes asked for


def _best_subset(candidates: list[Exercise], budget: int, focus: str) -> list[Exercise]:
    """The exercises (no repeats, in the order given) that best fill `budget` seconds of the real
    timeline without going over it: first any set within FIT_SHARE of it, then as few exercises of
    another focus as possible, then the longest. Every subset is tried (the catalogue has about a
    dozen usable exercises)."""
    best: tuple[bool, int, int, int] | None = None
    chosen: list[Exercise] = []
    for mask in range(1, 1 << len(candidates)):
        picked = [e for i, e in enumerate(candidates) if mask >> i & 1]
        total = timing.routine_seconds(picked)  # transitions and lead-ins included
        if total > budget:
            continue
        off_focus = sum(1 for e in picked if focus != ANY_FOCUS and e.category != focus)
        key = (total >= FIT_SHARE * budget, -off_focus, total, -mask)
        if best is None or key > best:
            best, chosen = key, picked
    return chosen


def _explanation(request: Request, chosen: list[Exercise], budget: int) -> str:
    """Why the routine is not what was asked for, in plain words; empty when it is."""
    total = timing.routine_seconds(chosen)
    reasons = []
    if total < FIT_SHARE * budget or total > budget:
        without = f" that work without {' or '.join(request.avoid)} positions" if request.avoid else ""
        minutes = max(1, round(total / 60))
        unit = "minute" if minutes == 1 else "minutes"
        if total > budget:
            reasons.append(f"Even the shortest exercise{without} takes about {minutes} {unit}.")
        else:
            reasons.append(
                f"The exercises{without} add up to about {minutes} {unit} without repeating any, "
                f"so this is shorter than the {request.minutes} asked for."
            )
    if request.focus != ANY_FOCUS:
        others = [e.name for e in chosen if e.category != request.focus]
        if others:
            reasons.append(
                f"There aren't enough {_FOCUS_PLURALS[request.focus]} to fill it, so it also has "
                + ", ".join(others)
                + "."
            )
    return " ".join(reasons)


def assemble(request: Request, exercises: dict[str, Exercise]) -> Routine:
    candidates = _candidates(request, exercises)
    if not candidates:
        hint = ""
        if request.focus != "posture" and any(
            e.category == "posture" and e.position not in request.avoid for e in exercises.values()
        ):
            hint = "; the posture checklists would fit, so try the posture focus"
        raise ValueError(f"no exercise fits when avoiding {' and '.join(request.avoid)} positions{hint}")
    budget = request.minutes * 60
    order = {exercise_id: i for i, exercise_id in enumerate(exercises)}
    chosen = _best_subset(sorted(candidates, key=lambda e: order[e.id]), budget, request.focus)
    if not chosen:
        # Nothing fits the budget; one short exercise beats refusing a short request.
        chosen = [min(candidates, key=lambda e: e.duration_seconds)]
    return Routine.build(
        {
            "id": request.routine_id,
            "name": request.name,
            "synonyms": [],
            "focus": "mixed" if request.focus == ANY_FOCUS else request.focus,
            "description": request.description,
            "exercise_ids": [e.id for e in chosen],
        },
        exercises,
        explanation=_explanation(request, chosen, budget),
    )
