"""Graded pain by voice: after "it hurts" has stopped the count, "How bad is it, from zero to ten?"
(PainScoreIntent, AMAZON.NUMBER; "skip" allowed), then the band's advice from pain.toml, the same
words the phone shows. Nothing about it is logged.

Session attribute `pending` = "painscore" while the question is open; after mild or moderate
advice, "pickup:<choices>" while its offer is open: carry on, ease off or skip the exercise that
hurt (Coach.carry_on_after_pain), then the voice leads on from there.
"""

from __future__ import annotations

from ask_sdk_core.utils import is_request_type

from skill.speech.ssml import Timeline, escape

from .base import IntentHandler, slot
from .turn import TURN_KEY

PENDING = "painscore"
PICKUP = "pickup:"
# What each answer to the pick-up offer asks for; "carry on", "yes" and "next" take the first choice
# the advice offered (mild: carry on, moderate: ease off).
PICKUP_ANSWERS = {
    "EasierIntent": "ease_off",
    "SlowerIntent": "ease_off",
    "SkipExerciseIntent": "skip_exercise",
}
FIRST_CHOICE_INTENTS = ("AMAZON.ResumeIntent", "AMAZON.YesIntent", "AMAZON.NextIntent")
# Said instead of a number while a 0-10 question is open: "skip", "next", "no".
SKIP_INTENTS = ("AMAZON.NextIntent", "SkipExerciseIntent", "AMAZON.NoIntent", "AMAZON.CancelIntent")


def ask_score(turn, view, tl: Timeline | None = None):
    """The count has stopped: ask how bad, and keep the session open for the answer."""
    turn.pending = PENDING
    tl = (tl or Timeline()).say(turn.t("pain.stop")).say(turn.t("painscore.question"))
    return turn.ask(tl, turn.t("painscore.reprompt"), view)


def said_score(turn) -> tuple[bool, int | None]:
    """(whether an answer was given, the score): (True, None) for "skip", (False, None) for nonsense."""
    value, _ = slot(turn, "score")
    if value is None:
        return True, None
    try:
        score = int(value)
    except ValueError:
        return False, None
    return (0 <= score <= 10), score if 0 <= score <= 10 else None


def is_answer_to(turn, prefix: str) -> bool:
    """A 0-10 answer (or a skip) to the question `prefix` names, open in this session."""
    if not (turn.pending_in or "").startswith(prefix):
        return False
    name = getattr(getattr(turn.request, "intent", None), "name", None)
    return name == "PainScoreIntent" or name in SKIP_INTENTS


def open_question(handler_input, prefix: str, intents: tuple[str, ...] | None = None) -> bool:
    """An intent request answering the question `prefix` names (only intent requests have a Turn)."""
    if not is_request_type("IntentRequest")(handler_input):
        return False
    turn = handler_input.attributes_manager.request_attributes.get(TURN_KEY)
    if turn is None:
        return False
    if intents is not None:
        return (turn.pending_in or "").startswith(prefix) and _intent(turn) in intents
    return is_answer_to(turn, prefix)


class ScoreHandler(IntentHandler):
    """The answer to "how bad is it?"."""

    def can_handle(self, handler_input) -> bool:
        return open_question(handler_input, PENDING)

    def reply(self, turn):
        answered, score = said_score(turn) if _intent(turn) == "PainScoreIntent" else (True, None)
        if not answered:
            turn.pending = PENDING
            return turn.ask(turn.t("painscore.out_of_range"), turn.t("painscore.reprompt"))
        advice = turn.coach.record_pain(turn.person.id, score)
        return speak_advice(turn, advice, skipped=score is None)


def speak_advice(turn, advice, *, skipped: bool = False):
    """The advice, word for word; stop and red-flag advice end the session with the safety notice."""
    tl = Timeline().say(turn.t("painscore.skipped") if skipped else escape(advice.text))
    if advice.level in ("stop", "red_flag") or skipped:
        return turn.tell(tl.say(escape(turn.catalogue.safety.full)), turn.current())
    offered = [c for c in advice.choices if c != "stop"]
    turn.pending = PICKUP + ",".join(offered)
    choices = turn.t("painscore.or").join(turn.t(f"painscore.say_{c}") for c in offered)
    tl.say(turn.t("painscore.offer", choices=choices))
    return turn.ask(tl, turn.t("painscore.offer", choices=choices), turn.current())


class PickUpHandler(IntentHandler):
    """The answer to the pick-up offer after mild or moderate pain: the routine goes on from where it
    stopped (or from the next exercise), led by the voice as before."""

    def can_handle(self, handler_input) -> bool:
        return open_question(handler_input, PICKUP, (*FIRST_CHOICE_INTENTS, *PICKUP_ANSWERS))

    def reply(self, turn):
        from . import flow

        offered = (turn.pending_in or "")[len(PICKUP) :].split(",")
        how = PICKUP_ANSWERS.get(_intent(turn) or "", offered[0])
        outcome = turn.coach.carry_on_after_pain(turn.person.id, how, source="voice")
        if not outcome.applied or outcome.view is None:
            return turn.tell(Timeline().say(escape(outcome.message)).say(turn.t("painscore.rest")))
        return flow.lead(turn, outcome.view, Timeline().say(turn.t(f"painscore.picked_{how}")))


def _intent(turn) -> str | None:
    return getattr(getattr(turn.request, "intent", None), "name", None)


class StrayScoreHandler(IntentHandler):
    """A number said with no question open: treat it as not understood rather than guess."""

    intents = ("PainScoreIntent",)

    def reply(self, turn):
        from . import flow

        view = turn.current()
        tl = Timeline().say(turn.t("fallback.sorry")).say(flow.prompt_for(turn, view))
        return turn.ask(tl, flow.prompt_for(turn, view), view)
