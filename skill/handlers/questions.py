"""Questions and small talk during a session, answered where the session is: what's next, which
side, tell me more, thanks, what is the psoas, make it easier. None changes the session; a count
that was running goes on from where its timeline is now (carry.keep_on), with no "resume" needed."""

from __future__ import annotations

from skill.speech.ssml import Timeline

from . import carry, flow
from .base import IntentHandler


class WhatsNextHandler(IntentHandler):
    intents = ("WhatsNextIntent",)

    def reply(self, turn):
        view = turn.current()
        if not flow.active(view):
            return flow.not_running(turn, view)
        tl = Timeline().say(turn.t("next.is", what=flow.next_what(turn, view.position)))
        return carry.keep_on(turn, view, tl)


class WhichSideHandler(IntentHandler):
    intents = ("WhichSideIntent",)

    def reply(self, turn):
        view = turn.current()
        if not flow.active(view):
            return flow.not_running(turn, view)
        side = view.position.side
        key = f"side.now_{side}" if side else "side.none"
        return carry.keep_on(turn, view, Timeline().say(turn.t(key, exercise=view.position.exercise.name)))


class TellMeMoreHandler(IntentHandler):
    """The full steps of the current exercise (after a short cue)."""

    intents = ("TellMeMoreIntent",)

    def reply(self, turn):
        view = turn.current()
        if not flow.active(view):
            return flow.not_running(turn, view)
        return carry.keep_on(
            turn, view, Timeline().say(flow.exercise_intro(turn, view.position.exercise, view))
        )


class ThanksHandler(IntentHandler):
    intents = ("ThanksIntent",)

    def reply(self, turn):
        view = turn.current()
        if view is None or view.state.phase == "done":
            return turn.tell(Timeline().say(turn.t("thanks.bye")), view)
        return carry.keep_on(turn, view, Timeline().say(turn.t("thanks.welcome")))


class WhatIsPsoasHandler(IntentHandler):
    intents = ("WhatIsPsoasIntent",)

    def reply(self, turn):
        return carry.keep_on(turn, turn.current(), Timeline().say(turn.t("psoas.about")))


class EasierHandler(IntentHandler):
    """Easier: a slower pace is the one lever the session has; and never push into pain."""

    intents = ("EasierIntent",)

    def reply(self, turn):
        view = turn.current()
        if not flow.active(view):
            return flow.not_running(turn, view)
        return carry.keep_on(turn, view, Timeline().say(turn.t("easier.how")))
