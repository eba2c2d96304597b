"""Keeping a pace for next time. "Slower" and "faster" change only the routine they are said in;
when a routine ends at a pace that is not the person's usual one, the voice offers to keep it
(pending "keep_pace:<pace>"), and only a yes stores it. The phone's done panel offers the same."""

from __future__ import annotations

from skill.speech.ssml import Timeline

from .base import IntentHandler
from .pain_flow import open_question

KEEP_PACE = "keep_pace:"


def offer_keep_pace(turn, view, tl: Timeline):
    """At the end of a routine run at another pace: shall I keep it? None when there is nothing to offer."""
    pace = turn.coach.pace_to_offer(view, turn.person)
    if pace is None:
        return None
    return turn.ask(tl.say(keep_pace_question(turn, pace)), turn.t("reprompt.keep_pace"), view)


def keep_pace_question(turn, pace: float) -> str:
    """ "You slowed the holds down today. Shall I keep that pace for next time?" (pending set)."""
    turn.pending = f"{KEEP_PACE}{pace}"
    return turn.t("pace.keep_offer_slower" if pace > turn.person.pace else "pace.keep_offer_faster")


def offered_pace(turn) -> float:
    return float((turn.pending_in or "")[len(KEEP_PACE) :])


class KeepPaceYesHandler(IntentHandler):
    def can_handle(self, handler_input) -> bool:
        return open_question(handler_input, KEEP_PACE, ("AMAZON.YesIntent",))

    def reply(self, turn):
        turn.coach.keep_pace(turn.person.id, offered_pace(turn))
        return turn.tell(Timeline().say(turn.t("pace.kept")).say(turn.t("stop.bye")), turn.current())


class KeepPaceNoHandler(IntentHandler):
    def can_handle(self, handler_input) -> bool:
        return open_question(handler_input, KEEP_PACE, ("AMAZON.NoIntent",))

    def reply(self, turn):
        return turn.tell(Timeline().say(turn.t("pace.not_kept")).say(turn.t("stop.bye")), turn.current())
