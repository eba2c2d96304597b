"""The phone's player (webapp/static/player.js, under Node) and the Python engine say the same.

Both start from the timeline data the server sends; then the engine applies commands to its
state while the player applies the same commands offline to its copy, and at sampled times
both must name the same segment, kind, rep and side, and the same seconds left (to 0.01 s).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from engine_fakes import CATALOGUE, ROUTINES, T0
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared_content.catalogue import load_catalogue
from shared_content.engine import PACE_LEVELS, Command, apply, cues, position, start, timeline_data

PLAYER = Path(__file__).resolve().parents[2] / "webapp" / "static" / "player.js"
OFFLINE = ("pause", "resume", "next", "previous", "repeat", "continue")

# One Node process per test: each line in is an example, each line out its samples.
HARNESS = """
const P = require(process.argv[1]);
const rl = require("readline").createInterface({ input: process.stdin });
function view(player, t) {
  const v = P.at(player, t);
  return { index: v.index, kind: v.kind, rep: v.segment.rep, side: v.segment.side,
           left: v.secondsLeft, done: v.done, count: v.count, total: v.secondsLeftTotal };
}
rl.on("line", (line) => {
  const m = JSON.parse(line);
  let out;
  if (m.op === "cues") {
    out = P.cues(P.load(m.data), m.from, m.until).map((c) => [c.at, c.key, c.params]);
  } else {
    let player = P.load(m.data);
    out = [];
    for (const step of m.steps) {
      if (step.name !== null) player = P.command(step.name, player, step.now).player;
      out.push(step.samples.map((t) => view(player, t)));
    }
  }
  process.stdout.write(JSON.stringify(out) + "\\n");
});
"""


class Node:
    def __init__(self) -> None:
        node = shutil.which("node")
        if node is None:
            pytest.fail("node is not installed; the parity test needs it")
        self.proc = subprocess.Popen(
            [node, "-e", HARNESS, str(PLAYER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def ask(self, message: dict[str, Any]) -> Any:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(message) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line, "the Node harness stopped"
        return json.loads(line)

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


@pytest.fixture
def node() -> Iterator[Node]:
    harness = Node()
    yield harness
    harness.close()


REAL = load_catalogue()
CASES: list[tuple[Any, Any]] = [(r, CATALOGUE) for r in ROUTINES] + [
    (REAL.routine(rid), REAL)
    # custom-12-stretch: an assembled routine running more sets than the catalogue writes
    for rid in ("morning-stretch", "quick-release", "desk-break", "custom-12-stretch")
]

steps_strategy = st.lists(
    st.tuples(
        st.floats(min_value=0.0, max_value=90.0, allow_nan=False).map(lambda x: round(x, 3)),
        st.sampled_from((*OFFLINE, None)),  # None: only time passes
    ),
    min_size=1,
    max_size=25,
)
samples_strategy = st.lists(st.floats(min_value=0.0, max_value=40.0).map(lambda x: round(x, 3)), max_size=3)


def python_view(state: Any, routine: Any, catalogue: Any, t: float) -> dict[str, Any]:
    p = position(state, routine, catalogue, t)
    return {
        "index": p.segment.index,
        "kind": p.kind,
        "rep": p.segment.rep,
        "side": p.segment.side,
        "left": p.seconds_left_in_phase,
        "done": p.done,
        "count": p.count,
        "total": p.seconds_left_total,
    }


def same(py: dict[str, Any], js: dict[str, Any]) -> bool:
    for key in ("index", "kind", "rep", "side", "done", "count", "total"):
        if py[key] != js[key]:
            return False
    if (py["left"] is None) != (js["left"] is None):
        return False
    return py["left"] is None or abs(py["left"] - js["left"]) <= 0.01


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    case=st.sampled_from(CASES),
    mode=st.sampled_from(("lead", "wait")),
    pace=st.sampled_from(PACE_LEVELS),
    steps=steps_strategy,
    samples=st.lists(samples_strategy, min_size=25, max_size=25),
)
def test_player_and_engine_agree_over_command_sequences(node, case, mode, pace, steps, samples):
    routine, catalogue = case
    state = start(routine, catalogue, T0, pace=pace, mode=mode)
    data = timeline_data(state, routine, catalogue, T0)
    now = T0
    expected: list[list[dict[str, Any]]] = []
    sent: list[dict[str, Any]] = []
    for (dt, name), offsets in zip(steps, samples, strict=False):
        now += dt
        if name is not None:
            state = apply(state, Command(name), routine, catalogue, now).state
        times = [now, *(now + o for o in offsets)]
        expected.append([python_view(state, routine, catalogue, t) for t in times])
        sent.append({"now": now, "name": name, "samples": times})
    got = node.ask({"op": "run", "data": data, "steps": sent})
    for i, (py_views, js_views) in enumerate(zip(expected, got, strict=True)):
        for py, js in zip(py_views, js_views, strict=True):
            assert same(py, js), f"after step {i} ({steps[i]}): engine {py} vs player {js}"


@pytest.mark.parametrize("mode", ["lead", "wait"])
def test_player_plans_the_engines_cues(node, mode):
    routine = REAL.routine("morning-stretch")
    state = start(routine, REAL, T0, mode=mode)
    state = apply(state, Command("next"), routine, REAL, T0 + 7).state  # anchored mid-routine
    data = timeline_data(state, routine, REAL, T0 + 8)
    expected = [(c.at, c.key) for c in cues(state, routine, REAL, T0 + 8, T0 + 10_000)]
    got = [
        (at, key)
        for at, key, _ in node.ask({"op": "cues", "data": data, "from": T0 + 8, "until": T0 + 10_000})
    ]
    assert len(got) == len(expected) > 10
    for (pa, pk), (ja, jk) in zip(expected, got, strict=True):
        assert pk == jk and abs(pa - ja) < 1e-6
