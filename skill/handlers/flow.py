"""How the voice walks a session: what to say for each phase, and when the voice leads.

`present(turn, view, tl)` speaks the session as it is now. Where the voice must lead, it
takes the command itself, timed so the engine's timeline matches the speech:

* instructions of a timed exercise: read the steps, "Ready? Begin.", then `next` with
  at = now + the estimated speaking time so far, and count the set;
* holding: count from the current rep, rewinding the block (`repeat`, or `previous` from a
  rest) so that rep starts exactly when the voice starts counting it;
* resting: say how long is left, wait it out (when it fits) and ask for "next".

"next" (or "yes") always means the next side, set or exercise now (`move_on`): while the
engine is still holding (the person spoke during the count) the voice applies "next" twice,
holding -> resting -> the next block, in one turn.

A set whose count does not fit in one response (RESPONSE_BUDGET_SECONDS) stops after a
rep with "say next to keep going"; `turn.cont` remembers the next rep.
"""

from __future__ import annotations

from shared_content.catalogue import about_minutes
from shared_content.engine import plan_for
from skill.speech.counting import hold_into
from skill.speech.ssml import RESPONSE_BUDGET_SECONDS, Raw, Timeline, escape, estimate_seconds

LEAD_PAD_MAX = 6.0  # silence we accept before a count to meet an `at` chosen before the command
CLOSING_RESERVE = 12.0  # seconds kept free at the end of a response for the closing prompt
SPEECH_START_DELAY = 0.3  # from our reply to the first word on the device (network + TTS start)
MIN_REST_TO_WAIT = 2.0  # shorter rests are not worth a silence


# --- words about a position -----------------------------------------------------------


def side_phrase(turn, side: str | None) -> str:
    return "" if side is None else turn.t(f"block.side_{side}")


def first_block(p) -> bool:
    return p.set_no == 1 and p.side in (None, "left")


def last_block_of_exercise(p) -> bool:
    return p.set_no == p.sets and p.side in (None, "right")


def where(turn, p) -> str:
    """ "the plank, set 2 of 3" / "the knee to chest, set 1 of 1, right side" / "the neutral spine tips"."""
    ex = p.exercise
    if ex.kind == "guidance":
        return turn.t("where.guidance", exercise=ex.name)
    if p.phase == "resting" and not p.paused and not last_block_of_exercise(p):
        return turn.t("where.ready_for", exercise=ex.name, what=next_what(turn, p))
    if p.sets == 1 and not p.side:
        return turn.t("where.single", exercise=ex.name)
    if p.side:
        return turn.t(
            "where.side", exercise=ex.name, set_no=p.set_no, sets=p.sets, side=turn.t(f"side.{p.side}")
        )
    return turn.t("where.set", exercise=ex.name, set_no=p.set_no, sets=p.sets)


def next_what(turn, p) -> str:
    """What "next" leads to after this block: "the right side", "set 2 of 3", the next exercise."""
    if not last_block_of_exercise(p):
        if p.side == "left":
            return turn.t("what.right_side")
        return turn.t("what.set", set_no=p.set_no + 1, sets=p.sets)
    if p.next_exercise is not None:
        return turn.t("what.exercise", exercise=p.next_exercise.name)
    return turn.t("what.finish")


def duration(turn, seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    if seconds == 1:
        return turn.t("time.second_one")
    if seconds < 90:
        return turn.t("time.seconds", seconds=seconds)
    return turn.t("time.minutes", minutes=max(2, about_minutes(seconds)))


def exercise_intro(turn, ex) -> str:
    steps = " ".join(escape(step) for step in ex.steps)
    return turn.t("exercise.intro", exercise=ex.name, summary=ex.summary) + " " + steps


def lead(turn, p, rep: int) -> str:
    """What is said right before rep `rep` of this block starts: set, side, cue."""
    parts = []
    if rep == 1:
        if p.side:
            parts.append(side_phrase(turn, p.side))
        if p.sets > 1:
            parts.append(turn.t("block.set", set_no=p.set_no, sets=p.sets))
        if first_block(p):
            parts.append(turn.t("block.begin"))
    else:  # picking a set up part way: the first words of a response
        parts.append(turn.t("count.from", rep=rep, reps=p.reps))
    parts.append(escape(p.exercise.hold_cue))
    return " ".join(x for x in parts if x)


def rep_words(turn, rep: int, reps: int) -> str:
    """ "Rep 3 of 5." (varied), and "Last one: rep 5 of 5." for the last rep of a set."""
    return turn.t("count.last" if rep == reps > 2 else "count.rep", seed=rep, rep=rep, reps=reps)


def lead_budget(turn, view) -> float:
    """How long the lead-in of the block "next"/"previous"/"repeat" may start in this exercise
    takes to say: the longest of the exact lead-ins (same request seed, so the same variants)
    of the blocks around this one. The count then starts right after it, without a long silence."""
    state, p = view.state, view.position
    plan = plan_for(view.routine, turn.catalogue, state.pace)
    here = state.block_index
    longest = 0.0
    for index in range(max(0, here - 1), min(len(plan), here + 2)):
        block = plan[index]
        if block.exercise_id != p.exercise.id or block.is_guidance:
            continue
        candidate = _BlockView(p.exercise, block.side, block.set_no, block.sets)
        longest = max(longest, estimate_seconds(lead(turn, candidate, 1), tail=False))
    return longest + 0.2


class _BlockView:
    """The bits of a Position that `lead` reads, for a block that is not the current one."""

    def __init__(self, exercise, side, set_no, sets):
        self.exercise, self.side, self.set_no, self.sets = exercise, side, set_no, sets


def at_for(turn, seconds_into_speech: float) -> float:
    return turn.now + SPEECH_START_DELAY + seconds_into_speech


# --- presenting each phase ---------------------------------------------------------------


def present(turn, view, tl: Timeline | None = None, *, depth: int = 0):
    tl = tl or Timeline()
    if view is None:
        return offer_routines(turn, tl)
    state, p = view.state, view.position
    turn.version = state.version  # from here on the voice speaks about this version
    if state.phase == "done":
        return finished(turn, view, tl)
    if p.paused:
        return paused(turn, view, tl)
    if state.phase == "instructions":
        return instructions(turn, view, tl, depth=depth)
    if state.phase == "holding":
        return holding(turn, view, tl, depth=depth)
    return resting(turn, view, tl)


def offer_routines(turn, tl: Timeline, *, suggest: str | None = None):
    routine = turn.catalogue.routine(suggest) if suggest else next(iter(turn.catalogue.routines.values()))
    turn.pending = f"start:{routine.id}"
    # "the Five-minute quick release? It takes about 5 minutes" says the length twice
    key = "launch.offer_named" if "minute" in routine.name.lower() else "launch.offer"
    tl.say(turn.t(key, routine=routine.name, time=Raw(duration(turn, routine.duration_seconds))))
    return turn.ask(tl, turn.t("reprompt.offer", routine=routine.name))


def instructions(turn, view, tl: Timeline, *, depth: int = 0):
    p = view.position
    ex = p.exercise
    tl.say(exercise_intro(turn, ex))
    if ex.kind == "guidance":
        key = "guidance.next" if p.next_exercise is not None else "guidance.last"
        tl.say(turn.t(key, exercise=p.next_exercise.name if p.next_exercise else ""))
        return turn.ask(tl, turn.t("reprompt.next"), view)
    tl.say(lead(turn, p, 1))
    outcome = turn.command("next", at=at_for(turn, tl.at))
    if not outcome.applied:
        return refused(turn, outcome, tl, depth)
    return count_block(turn, outcome.view, tl, 1)


def holding(turn, view, tl: Timeline, *, from_rep: int | None = None, depth: int = 0):
    """Count the block from `from_rep` (default: the rep the timeline is in now)."""
    state, p = view.state, view.position
    rep = from_rep or p.rep
    cycle = p.hold_seconds + p.exercise.rep_gap_seconds
    tl.say(lead(turn, p, rep))
    slack = None
    if state.phase == "holding" and state.phase_started_at is not None:
        slack = state.phase_started_at + (rep - 1) * cycle - at_for(turn, tl.at)
    if slack is None or not 0 <= slack <= LEAD_PAD_MAX:
        rewind = "repeat" if state.phase == "holding" else "previous"
        # The rewind restarts this block at the session's pace, which is not the running
        # hold's after a mid-hold "slower"/"faster": place rep `rep` with the new block's cycle.
        outcome = turn.command(rewind, at=at_for(turn, tl.at) - (rep - 1) * restart_cycle(turn, view))
        if not outcome.applied:
            return refused(turn, outcome, tl, depth)
        view, slack = outcome.view, 0.0
        if view.state.phase != "holding":
            return present(turn, view, tl, depth=depth + 1)
    tl.wait(slack)
    return count_block(turn, view, tl, rep)


def restart_cycle(turn, view) -> float:
    """Seconds from one rep's start to the next in this block once it is (re)started now:
    "repeat" (holding) and "previous" (from its rest) start it at the session's pace, while
    the position's hold is the one the running block was started with (engine: block_pace)."""
    block = plan_for(view.routine, turn.catalogue, view.state.pace)[view.state.block_index]
    return block.hold_seconds + block.rep_gap_seconds


def count_block(turn, view, tl: Timeline, from_rep: int):
    """The counted reps of this block from `from_rep` (tl is at that rep's start), then what comes after."""
    p = view.position
    hold, gap = p.hold_seconds, p.exercise.rep_gap_seconds
    block_start = tl.at - (from_rep - 1) * (hold + gap)
    for rep in range(from_rep, p.reps + 1):
        rep_start = block_start + (rep - 1) * (hold + gap)
        if rep > from_rep:
            if rep_start + hold + CLOSING_RESERVE > RESPONSE_BUDGET_SECONDS:
                return split(turn, view, tl, rep)
            tl.say(gap_words(turn, p, rep, rep_start - tl.at))
            tl.wait_until(rep_start)
        hold_into(tl, hold, turn.t("count.release", seed=rep))
    return block_end(turn, view, tl)


def gap_words(turn, p, rep: int, room: float) -> str:
    """The longest announcement of the next rep that fits in the release gap."""
    for option in (rep_words(turn, rep, p.reps), turn.t("count.again", seed=rep)):
        if estimate_seconds(option, tail=False) <= room - 0.2:
            return option
    return ""


def split(turn, view, tl: Timeline, next_rep: int):
    turn.cont = {"v": view.state.version, "block": view.state.block_index, "rep": next_rep}
    tl.say(turn.t("count.split", rep=next_rep - 1, reps=view.position.reps))
    return turn.ask(tl, turn.t("reprompt.keep_going"), view)


def block_end(turn, view, tl: Timeline):
    p = view.position
    if not last_block_of_exercise(p):
        return rest_then_ask(turn, view, tl, float(p.exercise.rest_seconds), praise=True)
    if p.next_exercise is not None:
        tl.say(turn.t("block.exercise_done", exercise=p.exercise.name, next=p.next_exercise.name))
        return turn.ask(tl, turn.t("reprompt.next"), view)
    tl.say(turn.t("block.routine_last"))
    return turn.ask(tl, turn.t("reprompt.finish"), view)


def rest_then_ask(turn, view, tl: Timeline, seconds: float, *, praise: bool = False):
    what = next_what(turn, view.position)
    if praise:
        tl.say(turn.t("praise.any"))
    if seconds < MIN_REST_TO_WAIT:
        tl.say(turn.t("rest.ready", what=what))
    elif tl.at + seconds + CLOSING_RESERVE <= RESPONSE_BUDGET_SECONDS:
        tl.say(turn.t("rest.start", seconds=round(seconds)))
        tl.wait(seconds)
        tl.say(turn.t("rest.over", what=what))
    else:
        tl.say(turn.t("rest.then_next", seconds=round(seconds), what=what))
    return turn.ask(tl, turn.t("reprompt.rest", what=what), view)


def resting(turn, view, tl: Timeline):
    p = view.position
    if last_block_of_exercise(p):
        return block_end(turn, view, tl)
    return rest_then_ask(turn, view, tl, p.seconds_left_in_phase or 0.0)


def paused(turn, view, tl: Timeline):
    tl.say(turn.t("pause.is_paused", where=Raw(where(turn, view.position))))
    return turn.ask(tl, turn.t("reprompt.paused"), view)


def finished(turn, view, tl: Timeline):
    key = {"completed": "done.completed", "pain": "done.pain"}.get(view.state.outcome or "", "done.stopped")
    tl.say(turn.t(key, routine=view.routine.name))
    if view.state.outcome == "completed":
        from .checkins import ask_after  # checkins builds on flow

        if (question := ask_after(turn, view, tl)) is not None:
            return question
    return turn.tell(tl, view)


def refused(turn, outcome, tl: Timeline, depth: int = 0):
    """A command that was not applied: a duplicate (another device moved first) or illegal."""
    view = outcome.view if outcome.view is not None else turn.current()
    if depth > 2:
        tl.say(turn.t("sync.busy"))
        return turn.ask(tl, turn.t("reprompt.next"), view)
    tl.say(turn.t("sync.moved_on" if outcome.status == "duplicate" else "sync.not_now"))
    return present(turn, view, tl, depth=depth + 1)


# --- the voice's own commands -------------------------------------------------------------


def advance(turn, name: str, *, opening: str = "", allow_done: bool = False):
    """next / previous / repeat / start_over from the voice, then speak the new state."""
    view = turn.current()
    if view is None:
        return no_session(turn)
    if view.state.phase == "done" and not allow_done:
        return finished_already(turn, view)
    budget = lead_budget(turn, view) + estimate_seconds(opening, tail=False)
    outcome = turn.command(name, at=at_for(turn, budget))
    if not outcome.applied:
        return refused(turn, outcome, Timeline())
    return present(turn, outcome.view, Timeline().say(opening))


def move_on(turn):
    """ "next" (or "yes" meaning next) from the voice: the person wants what follows now.

    In a rest (running or over) one engine "next" starts the next block, as `advance` does.
    While the engine is still holding (the person spoke during the count, before the stored
    timeline reached the end of the set) one engine "next" would only end the set early and
    start its rest, so a second "next" would be needed: instead the voice applies "next" and,
    when that left the session resting, "next" again, in the same turn, chaining the expected
    versions (each applied command is published, so the phone follows both steps). Then it
    speaks the next side, set or exercise, opened with "Moving on.". A duplicate (the phone
    moved first) joins the session where it is now, as any refused command does.
    The engine is unchanged: the phone's Next still ends a hold in its rest."""
    view = turn.current()
    if view is None:
        return no_session(turn)
    if view.state.phase != "holding":
        return advance(turn, "next")
    opening = turn.t("nav.next")
    at = at_for(turn, lead_budget(turn, view) + estimate_seconds(opening, tail=False))
    outcome = turn.command("next", at=at)
    if outcome.applied and outcome.view.state.phase == "resting":
        outcome = turn.command("next", at=at)
    if not outcome.applied:
        return refused(turn, outcome, Timeline())
    if outcome.view.state.phase == "done":
        opening = ""  # "Moving on. That's the routine complete." - the finish speaks for itself
    return present(turn, outcome.view, Timeline().say(opening))


def carry_on(turn, view, tl: Timeline):
    """Continue a session as it stands: resume it if paused, then speak it."""
    if view is not None and view.position.paused and view.state.phase != "done":
        outcome = turn.command("resume", versioned=False)
        view = outcome.view or view
    return present(turn, view, tl)


def continue_split(turn, view):
    """ "next" after a split count: carry on at the rep the last response stopped before."""
    cont = turn.cont_in or {}
    return holding(turn, view, Timeline(), from_rep=int(cont["rep"]))


def no_session(turn, opening: str = ""):
    tl = Timeline().say(opening).say(turn.t("session.none"))
    return offer_routines(turn, tl)


def finished_already(turn, view):
    tl = Timeline().say(turn.t("done.already", routine=view.routine.name))
    return offer_routines(turn, tl, suggest=view.routine.id)


def not_running(turn, view):
    """The answer when there is no session to act on (none at all, or one already finished);
    None while a session is running, paused or not, so the caller carries on."""
    if view is None:
        return no_session(turn)
    if view.state.phase == "done":
        return finished_already(turn, view)
    return None


def phase_key(view) -> str:
    if view is None:
        return "none"
    if view.state.phase == "done":
        return "done"
    if view.position.paused:
        return "paused"
    if view.state.phase == "instructions" and view.position.exercise.kind == "guidance":
        return "guidance"
    return view.state.phase


def prompt_for(turn, view) -> str:
    return turn.t(f"prompt.{phase_key(view)}")
