"""The session engine: a pure, deterministic state machine (no clock, no I/O; `now` is passed in).

plan.py      routine -> blocks, pace levels
state.py     SessionState (frozen, JSON round-trip)
timeline.py  settle (time-only progress) and position (what to show/say)
commands.py  start, Command, Result, apply
"""

from .commands import COMMAND_NAMES, Command, Result, apply, start
from .plan import PACE_LEVELS, Block, paced_hold, plan_for
from .state import SessionState
from .timeline import Position, position, settle

__all__ = [
    "Block",
    "plan_for",
    "SessionState",
    "Position",
    "Command",
    "Result",
    "start",
    "apply",
    "position",
    "settle",
    "PACE_LEVELS",
    "COMMAND_NAMES",
    "paced_hold",
]
