"""The session engine: a pure, deterministic function of (state, now) (no clock, no I/O).

shapes.py    the catalogue Protocols the engine reads
plan.py      routine -> blocks, pace levels and hold limits
segments.py  the timeline template: segments and steps (cached per routine, pace and mode)
state.py     SessionState (frozen, JSON round-trip; converts the old engine's stored states)
timeline.py  locate / settle / position: where the session is at `now`
commands.py  start, Command, Result, apply
pick_up.py   a stopped run picked up again (carry on, ease off, skip the exercise after pain)
cues.py      the cue schedule both front ends speak or show
playback.py  the timeline as JSON-safe data for the phone's player
"""

from shared_content.vocabulary import count_marks

from .commands import COMMAND_NAMES, Command, Result, apply, start
from .cues import CUE_KEYS, Cue, cues
from .pick_up import PICK_UPS, PickUp, pick_up
from .plan import PACE_LEVELS, Block, paced_hold, plan_for
from .playback import timeline_data
from .segments import MODES, Mode, Segment, SegmentKind, Template, template_for
from .shapes import CatalogueLike, ExerciseLike, RoutineLike
from .state import SessionState
from .timeline import Cursor, Position, locate, position, settle

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
    "locate",
    "Cursor",
    "PACE_LEVELS",
    "COMMAND_NAMES",
    "paced_hold",
    "MODES",
    "Mode",
    "Segment",
    "SegmentKind",
    "Template",
    "template_for",
    "Cue",
    "CUE_KEYS",
    "cues",
    "count_marks",
    "timeline_data",
    "CatalogueLike",
    "ExerciseLike",
    "RoutineLike",
    "pick_up",
    "PickUp",
    "PICK_UPS",
]
