"""Small stand-ins for catalogue objects, carrying only what the engine reads.

They let the engine tests pin exact numbers (holds, gaps, rests) independent of the
real catalogue's content, and show the engine needs nothing pydantic-specific.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FakeExercise:
    id: str
    name: str
    kind: str = "timed"
    hold_seconds: int = 10
    repetitions: int = 3
    rep_gap_seconds: int = 2
    sets: int = 2
    rest_seconds: int = 15
    per_side: bool = False
    intro_seconds: int = 20
    category: str = "stretch"
    position: str = "floor"
    equipment: tuple[str, ...] = ()

    @property
    def duration_seconds(self) -> int:
        # The architecture's formula, with the intro given directly instead of counted words.
        if self.kind == "guidance":
            return self.intro_seconds
        blocks = self.sets * (2 if self.per_side else 1)
        reps = self.repetitions
        return (
            self.intro_seconds
            + blocks * (reps * self.hold_seconds + (reps - 1) * self.rep_gap_seconds)
            + (blocks - 1) * self.rest_seconds
        )


@dataclass(frozen=True)
class FakeRoutine:
    id: str
    exercise_ids: list[str]
    name: str = "Fake routine"

    def exercise(self, catalogue: FakeCatalogue, exercise_id: str) -> FakeExercise:
        return catalogue.exercise(exercise_id)

    def duration_seconds_in(self, catalogue: FakeCatalogue) -> int:
        return sum(catalogue.exercise(e).duration_seconds for e in self.exercise_ids)


@dataclass
class FakeCatalogue:
    exercises: dict[str, FakeExercise] = field(default_factory=dict)

    def exercise(self, exercise_id: str) -> FakeExercise:
        return self.exercises[exercise_id]


def make_catalogue(*exercises: FakeExercise) -> FakeCatalogue:
    return FakeCatalogue({e.id: e for e in exercises})


# A routine covering every block shape: plain sets, per-side sets, a guidance item,
# a single-set exercise (no rest at all) and an exercise with no gap between reps.
TILT = FakeExercise(
    "pelvic-tilt",
    "Pelvic tilt",
    hold_seconds=5,
    repetitions=3,
    rep_gap_seconds=3,
    sets=2,
    rest_seconds=10,
    intro_seconds=12,
)
LUNGE = FakeExercise(
    "kneeling-lunge",
    "Kneeling lunge",
    hold_seconds=20,
    repetitions=2,
    rep_gap_seconds=5,
    sets=2,
    rest_seconds=15,
    per_side=True,
    intro_seconds=18,
    position="standing",  # floor -> standing: a longer get-ready
)
POSTURE = FakeExercise(
    "sitting-posture",
    "Sitting posture",
    kind="guidance",
    hold_seconds=0,
    repetitions=1,
    rep_gap_seconds=0,
    sets=1,
    rest_seconds=0,
    intro_seconds=30,
    category="posture",
    position="seated",
)
BRIDGE = FakeExercise(
    "bridge",
    "Bridge",
    hold_seconds=8,
    repetitions=4,
    rep_gap_seconds=0,
    sets=1,
    rest_seconds=0,
    intro_seconds=9,
    category="strengthen",  # on the floor: a load-bearing set-up
    equipment=("mat",),
)
CATALOGUE = make_catalogue(TILT, LUNGE, POSTURE, BRIDGE)
MIXED = FakeRoutine("mixed", ["pelvic-tilt", "kneeling-lunge", "sitting-posture", "bridge"])
GUIDANCE_LAST = FakeRoutine("guidance-last", ["bridge", "sitting-posture"])
ONE_SET = FakeRoutine("one-set", ["bridge"])
ROUTINES = [MIXED, GUIDANCE_LAST, ONE_SET]
T0 = 1_800_000_000.0
