"""Pain: stop at once, give the safety advice, end the session. Nothing about it is logged.

A red-flag symptom (numbness, tingling, weakness, dizziness, loss of bladder or bowel control:
shared_content.vocabulary.RED_FLAG_SYMPTOMS, the PainSymptom slot's ids) gets the see-a-clinician-now
advice from the catalogue's safety notice instead of the advice to rest."""

from __future__ import annotations

from ask_sdk_model import Response

from shared_content.vocabulary import RED_FLAG_SYMPTOMS
from skill.speech.ssml import Timeline, escape

from .base import IntentHandler, slot
from .turn import Turn


class PainHandler(IntentHandler):
    intents = ("PainIntent",)

    def reply(self, turn: Turn) -> Response:
        view = turn.current()
        if view is not None and view.state.phase != "done":
            # unversioned: whatever the phone did meanwhile, pain stops the session
            view = turn.command("pain", versioned=False).view or view
        _, symptom = slot(turn, "symptom")
        tl = Timeline().say(turn.t("pain.stop"))
        if symptom in RED_FLAG_SYMPTOMS:
            signs = ", ".join(s.lower() for s in turn.catalogue.safety.see_clinician)
            tl.say(turn.t("pain.see_clinician", signs=signs))
        else:
            tl.say(turn.t("pain.advice"))
        # the catalogue's own safety notice, word for word, after the stop
        return turn.tell(tl.say(escape(turn.catalogue.safety.full)), view)
