"""The loaded catalogue: lookups by id and by spoken text, and routine assembly."""

from __future__ import annotations

from collections.abc import Iterable

from shared_content.catalogue import assemble as assembly
from shared_content.catalogue.matching import spoken_key
from shared_content.catalogue.model import Exercise, Routine, RoutineEntry, SafetyNotice

# "single-<exercise id>": a routine of that one exercise, so the library can start any exercise
# alone. Like assembled ids, any process rebuilds it from the id; curated ids may not use it.
SINGLE_PREFIX = "single-"


class Catalogue:
    """Read-only after construction; one instance is shared per process by `load_catalogue()`."""

    def __init__(self, exercises: dict[str, Exercise], routines: dict[str, Routine], safety: SafetyNotice):
        self.exercises = exercises
        self.routines = routines
        self.safety = safety
        self._exercise_keys = _spoken_index(exercises.values())
        self._routine_keys = _spoken_index(routines.values())
        self._assembled: dict[str, Routine] = {}

    def exercise(self, exercise_id: str) -> Exercise:
        try:
            return self.exercises[exercise_id]
        except KeyError:
            raise KeyError(f"unknown exercise {exercise_id!r}") from None

    def routine(self, routine_id: str) -> Routine:
        """A curated routine, or an assembled or single-exercise one rebuilt from its id."""
        if routine_id in self.routines:
            return self.routines[routine_id]
        if routine_id in self._assembled:
            return self._assembled[routine_id]
        if isinstance(routine_id, str) and routine_id.startswith(SINGLE_PREFIX):
            return self.single_exercise(routine_id.removeprefix(SINGLE_PREFIX))
        request = assembly.parse_routine_id(routine_id) if isinstance(routine_id, str) else None
        if request is None:
            raise KeyError(f"unknown routine {routine_id!r}")
        try:
            routine = assembly.assemble(request, self.exercises)
        except ValueError as exc:
            raise KeyError(f"unknown routine {routine_id!r}: {exc}") from None
        self._assembled[routine_id] = routine
        return routine

    def single_exercise(self, exercise_id: str) -> Routine:
        """A routine of one exercise, with id "single-<exercise id>". Raises KeyError for an unknown exercise."""
        exercise = self.exercises.get(exercise_id)
        if exercise is None:
            raise KeyError(f"unknown routine {SINGLE_PREFIX + exercise_id!r}: no exercise {exercise_id!r}")
        routine_id = SINGLE_PREFIX + exercise.id
        if routine_id not in self._assembled:
            entry = RoutineEntry(
                id=routine_id,
                name=exercise.name,
                synonyms=[],
                focus=exercise.category,
                description=exercise.summary,
                exercise_ids=[exercise.id],
            )
            self._assembled[routine_id] = Routine.build(entry, self.exercises)
        return self._assembled[routine_id]

    def find_exercise(self, text: str) -> Exercise | None:
        """By id, name or synonym, ignoring case, punctuation and a leading "the"."""
        exercise_id = self._exercise_keys.get(spoken_key(text or ""))
        return self.exercises[exercise_id] if exercise_id else None

    def find_routine(self, text: str) -> Routine | None:
        routine_id = self._routine_keys.get(spoken_key(text or ""))
        if routine_id:
            return self.routines[routine_id]
        try:
            return self.routine((text or "").strip())
        except KeyError:
            return None

    def assemble(
        self, minutes: int, focus: str | None = None, avoid_positions: set[str] | None = None
    ) -> Routine:
        """Deterministic: the same arguments give the same routine, whose id rebuilds it.
        Raises ValueError for minutes outside MIN/MAX_ROUTINE_MINUTES, an unknown focus or position, or when nothing fits."""
        request = assembly.make_request(minutes, focus, avoid_positions)
        return self.routine_for_request(request)

    def routine_for_request(self, request: assembly.Request) -> Routine:
        routine_id = request.routine_id
        if routine_id not in self._assembled:
            self._assembled[routine_id] = assembly.assemble(request, self.exercises)
        return self._assembled[routine_id]


def _spoken_index(items: Iterable[Exercise | Routine]) -> dict[str, str]:
    """Spoken key -> item id, from each item's id, name and synonyms. The loader has already
    checked that no key points at two items."""
    index: dict[str, str] = {}
    for item in items:
        for text in (item.id, item.name, *item.synonyms):
            index.setdefault(spoken_key(text), item.id)
    return index
