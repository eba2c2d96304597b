"""Builds a routine to fit a time budget, and encodes the request in the routine id so any
process can rebuild exactly the same routine from the id alone ("custom-10-stretch-no-floor")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared_content import timing
from shared_content.catalogue.model import Exercise, Routine, dosed
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
OVER_SHARE = 1.15  # ... either side: raised sets may take it a little past the minutes, never further


@dataclass(frozen=True)
class _Dose:
    """One exercise's extra doses within its safe range, lightest first: each step's sets,
    repetitions and the seconds it adds to the exercise (the same whatever comes before it)."""

    steps: tuple[tuple[int, int, int], ...]

    @classmethod
    def of(cls, exercise: Exercise) -> _Dose:
        base = timing.exercise_seconds(exercise)
        steps = []
        # More repetitions first (a few seconds each), then more sets.
        for reps in range(exercise.repetitions + 1, exercise.repetition_range[1] + 1):
            steps.append((exercise.sets, reps))
        reps = exercise.repetition_range[1]
        for sets in range(exercise.sets + 1, exercise.set_range[1] + 1):
            steps.append((sets, reps))
        return cls(tuple((s, r, timing.exercise_seconds(dosed(exercise, s, r)) - base) for s, r in steps))

    @property
    def most(self) -> int:
        return self.steps[-1][2] if self.steps else 0


@dataclass(frozen=True)
class _Fill:
    """A subset of the candidates with its doses raised: what the routine will run."""

    picked: tuple[int, ...]  # indices into the candidates, in order
    steps: tuple[int, ...]  # dose steps taken per picked exercise (0: as authored)
    total: int  # seconds on the real timeline
    off_focus: int


def _masks(
    candidates: list[Exercise], doses: list[_Dose], focus: str
) -> tuple[list[int], list[int], list[int]]:
    """For every subset (bit i: candidate i), its authored timeline length, the most its doses can
    add, and how many of it are of another focus. Built from the subset without its last member,
    because an exercise's lead-in depends only on the one before it."""
    n = len(candidates)
    alone = [timing.exercise_seconds(e) for e in candidates]
    # After another exercise only the first lead-in changes (guidance has none), plus the transition.
    first_lead_in = [timing.get_ready_seconds(e, None) for e in candidates]
    after = [
        [
            alone[i]
            + timing.TRANSITION_SECONDS
            + (0 if e.is_guidance else timing.get_ready_seconds(e, before) - first_lead_in[i])
            for before in candidates
        ]
        for i, e in enumerate(candidates)
    ]
    off = [int(focus != ANY_FOCUS and e.category != focus) for e in candidates]
    extra = [dose.most for dose in doses]
    size = 1 << n
    totals, most, offs = [0] * size, [0] * size, [0] * size
    for mask in range(1, size):
        high = mask.bit_length() - 1
        rest = mask ^ (1 << high)
        totals[mask] = totals[rest] + (after[high][rest.bit_length() - 1] if rest else alone[high])
        most[mask] = most[rest] + extra[high]
        offs[mask] = offs[rest] + off[high]
    return totals, most, offs


def _picked(mask: int) -> tuple[int, ...]:
    return tuple(i for i in range(mask.bit_length()) if mask >> i & 1)


def _raise_doses(
    picked: tuple[int, ...], total: int, off: int, doses: list[_Dose], focus_group: list[bool], budget: int
) -> _Fill:
    """Raise doses one step at a time while that brings the length nearer the budget without
    passing OVER_SHARE of it: focus exercises first, and among them the one given least so far."""
    steps = [0] * len(picked)
    added = [0] * len(picked)
    ceiling = OVER_SHARE * budget
    while True:
        choice: tuple[bool, int, int] | None = None
        for k, i in enumerate(picked):
            dose = doses[i]
            if steps[k] == len(dose.steps):
                continue
            more = dose.steps[steps[k]][2] - added[k]
            if total + more > ceiling or abs(total + more - budget) >= abs(total - budget):
                continue
            key = (not focus_group[i], added[k], k)
            if choice is None or key < choice:
                choice = key
        if choice is None:
            return _Fill(picked, tuple(steps), total, off)
        k = choice[2]
        i = picked[k]
        total += doses[i].steps[steps[k]][2] - added[k]
        added[k] = doses[i].steps[steps[k]][2]
        steps[k] += 1


def _fits(total: int, budget: int) -> bool:
    return FIT_SHARE * budget <= total <= OVER_SHARE * budget


def _best_fill(candidates: list[Exercise], budget: int, focus: str) -> _Fill:
    """The routine that best fills `budget` seconds of the real timeline: within 15 % of it if any
    can be, with as few exercises of another focus as possible, then as near the budget as possible
    with the exercises as written (more exercises rather than more sets), then with doses raised.
    Every subset of the candidates (about a dozen) is weighed."""
    doses = [_Dose.of(e) for e in candidates]
    focus_group = [focus == ANY_FOCUS or e.category == focus for e in candidates]
    totals, most, offs = _masks(candidates, doses, focus)
    low, high = FIT_SHARE * budget, OVER_SHARE * budget
    feasible = [m for m in range(1, len(totals)) if totals[m] <= high and totals[m] + most[m] >= low]
    # Fewest of another focus, then as many of the focus as fit, then nearest the budget as
    # written (a shortfall counts double: doses make it up, but repeats come last), then the mask.
    with_focus = focus != ANY_FOCUS
    feasible.sort(
        key=lambda m: (offs[m], with_focus * (offs[m] - m.bit_count()), _gap(totals[m], budget, low), m)
    )
    tried: list[_Fill] = []
    for mask in feasible[:64]:
        fill = _raise_doses(_picked(mask), totals[mask], offs[mask], doses, focus_group, budget)
        if _fits(fill.total, budget):
            return fill
        tried.append(fill)
    # Nothing fits: the nearest there is, each subset at the dose that brings it nearest.
    nearest = min(range(1, len(totals)), key=lambda m: (_reach(totals[m], most[m], budget), offs[m], m))
    fill = _raise_doses(_picked(nearest), totals[nearest], offs[nearest], doses, focus_group, budget)
    return min([fill, *tried], key=lambda f: (abs(f.total - budget), f.off_focus, f.picked))


def _gap(total: int, budget: int, low: float) -> float:
    return abs(total - budget) if total >= low else 2 * (budget - total)


def _reach(total: int, most: int, budget: int) -> int:
    """How far from the budget a subset ends up at best (doses are only ever raised)."""
    if total >= budget:
        return total - budget
    return max(0, budget - total - most)


def _explanation(request: Request, chosen: list[Exercise], focus_usable: bool, total: int) -> str:
    """Why the routine is not what was asked for, in plain words; empty when it is."""
    budget = request.minutes * 60
    reasons = []
    avoiding = " or ".join(request.avoid)
    without = f" that work without {avoiding} positions" if request.avoid else ""
    minutes = max(1, round(total / 60))
    unit = "minute" if minutes == 1 else "minutes"
    if total > OVER_SHARE * budget:
        asked = f"{request.minutes} {'minute' if request.minutes == 1 else 'minutes'}"
        works = f" that works without {avoiding} positions" if request.avoid else ""
        reasons.append(f"Nothing{works} fits in {asked}; the nearest is about {minutes} {unit}.")
    elif total < FIT_SHARE * budget:
        reasons.append(
            f"The exercises{without} add up to about {minutes} {unit}, even with extra sets, "
            f"so this is shorter than the {request.minutes} asked for."
        )
    others = [e.name for e in chosen if request.focus != ANY_FOCUS and e.category != request.focus]
    plural = _FOCUS_PLURALS.get(request.focus, "")
    if others and not focus_usable:
        # Only avoided positions leave a focus with nothing at all.
        reasons.append(
            f"No {plural} work without {avoiding} positions, so it has {', '.join(others)} instead."
        )
    elif others and len(others) == len(chosen):
        reasons.append(f"The nearest fit has {', '.join(others)} instead of {plural}.")
    elif others:
        reasons.append(f"There aren't enough {plural} to fill it, so it also has {', '.join(others)}.")
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
    candidates.sort(key=lambda e: order[e.id])
    fill = _best_fill(candidates, budget, request.focus)
    chosen = [candidates[i] for i in fill.picked]
    sets: dict[str, int] = {}
    repetitions: dict[str, int] = {}
    for exercise, taken in zip(chosen, fill.steps, strict=True):
        if taken:
            dose_sets, dose_reps, _seconds = _Dose.of(exercise).steps[taken - 1]
            if dose_sets != exercise.sets:
                sets[exercise.id] = dose_sets
            if dose_reps != exercise.repetitions:
                repetitions[exercise.id] = dose_reps
    focus_usable = any(e.category == request.focus for e in candidates)
    routine = Routine.build(
        {
            "id": request.routine_id,
            "name": request.name,
            "synonyms": [],
            "focus": "mixed" if request.focus == ANY_FOCUS else request.focus,
            "description": request.description,
            "exercise_ids": [e.id for e in chosen],
        },
        exercises,
        sets=sets,
        repetitions=repetitions,
    )
    # The timeline's own length, so the words match what `content list` and the pages show.
    explanation = _explanation(request, chosen, focus_usable, routine.duration_seconds)
    return routine.model_copy(update={"explanation": explanation}) if explanation else routine
