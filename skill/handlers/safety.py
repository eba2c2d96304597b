"""Pain: stop at once. A red-flag symptom (numbness, tingling, weakness, dizziness, loss of bladder
or bowel control: shared_content.vocabulary.RED_FLAG_SYMPTOMS, the PainSymptom slot's ids) gets the
see-a-clinician-now advice at once; anything else is asked how bad (pain_flow.py grades it).
Nothing about it is logged."""

from __future__ import annotations

from ask_sdk_model import Response

from shared_content.vocabulary import RED_FLAG_SYMPTOMS
from skill.speech.ssml import Timeline, escape

from .base import IntentHandler, slot
from .pain_flow import ask_score
from .turn import Turn


class PainHandler(IntentHandler):
    intents = ("PainIntent",)

    def reply(self, turn: Turn) -> Response:
        view = turn.current()
        if view is not None and view.state.phase != "done":
            # unversioned: whatever the phone did meanwhile, pain stops the session
            view = turn.command("pain", versioned=False).view or view
        _, symptom = slot(turn, "symptom")
        if symptom not in RED_FLAG_SYMPTOMS:
            return ask_score(turn, view)
        signs = ", ".join(s.lower() for s in turn.catalogue.safety.see_clinician)
        tl = Timeline().say(turn.t("pain.stop")).say(turn.t("pain.see_clinician", signs=signs))
        # the catalogue's own safety notice, word for word, after the stop
        return turn.tell(tl.say(escape(turn.catalogue.safety.full)), view)
