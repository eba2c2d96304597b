"""Whatever Alexa heard in a slot (resolved or not, even nonsense ids), the skill answers with valid SSML."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

spoken = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)
slot_value = st.one_of(
    spoken,
    st.tuples(
        spoken,
        st.sampled_from(
            [
                "morning-stretch",
                "plank",
                "custom-10-stretch-no-floor",
                "custom-999-x",
                "nope",
                "",
                "pelvic-tilt",
            ]
        ),
    ),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(intent=st.sampled_from(["StartRoutineIntent", "DescribeExerciseIntent"]), value=slot_value)
def test_any_slot_value_gets_a_sensible_answer(intent, value, voice):
    name = "routine" if intent == "StartRoutineIntent" else "exercise"
    reply = voice.say(intent, {name: value}, new_session=True)  # Voice.check() validates the SSML
    assert reply.ssml and "something went wrong" not in reply.text
    voice.say("AMAZON.StopIntent")
