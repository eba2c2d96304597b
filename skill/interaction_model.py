"""The ASK interaction models (one per locale) and the skill manifest, generated from the catalogue.

The slot types ``RoutineName`` and ``ExerciseName`` are built from ``shared_content``'s catalogue
(id = catalogue id, name = catalogue name, synonyms = catalogue synonyms), so the voice model
cannot drift from the content. The generated files are checked in under ``interaction_models/``;
a test fails when they differ from a fresh build. Regenerate them with::

    python -m skill.interaction_model            # rewrites interaction_models/*.json

Sample utterances follow the ASK rules: lower case words, apostrophes only, no digits, slots
in braces, and no sample in two intents.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

INVOCATION_NAME = "psoas coach"
SKILL_NAME = "Psoas Coach"
LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
PLACEHOLDER_ENDPOINT = "https://example.invalid/alexa"
REPO_ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = REPO_ROOT / "interaction_models"

ROUTINE_TYPE = "RoutineName"
EXERCISE_TYPE = "ExerciseName"
FOCUS_TYPE = "RoutineFocus"
POSITION_TYPE = "ExercisePosition"

# "a ten minute stretch without floor work": what an assembled routine favours and avoids.
# ids are the catalogue's categories and positions (Catalogue.assemble's focus / avoid_positions).
FOCUS_VALUES: list[tuple[str, str, list[str]]] = [
    ("stretch", "stretch", ["stretches", "stretching", "stretch routine"]),
    ("strengthen", "strengthening", ["strength", "strengthening exercises", "strength routine", "workout"]),
    ("release", "release", ["releases", "relaxation", "release routine"]),
    ("posture", "posture", ["posture check", "posture routine"]),
]
POSITION_VALUES: list[tuple[str, str, list[str]]] = [
    (
        "floor",
        "floor work",
        [
            "floor",
            "the floor",
            "floor exercises",
            "lying down",
            "getting on the floor",
            "getting down on the floor",
            "lying on the floor",
        ],
    ),
    ("seated", "sitting", ["sitting down", "a chair", "chair work", "seated exercises"]),
    ("standing", "standing", ["standing up", "standing exercises"]),
]

# intent name -> slot name -> slot type
SLOTS: dict[str, dict[str, str]] = {
    "StartRoutineIntent": {
        "routine": ROUTINE_TYPE,
        "minutes": "AMAZON.NUMBER",
        "focus": FOCUS_TYPE,
        "avoid": POSITION_TYPE,
    },
    "DescribeExerciseIntent": {"exercise": EXERCISE_TYPE},
}

CUSTOM_INTENTS = (
    "StartRoutineIntent",
    "ListRoutinesIntent",
    "DescribeExerciseIntent",
    "LinkPhoneIntent",
    "UnlinkPhoneIntent",
    "PainIntent",
    "HowMuchLongerIntent",
    "SlowerIntent",
    "FasterIntent",
    "SkipExerciseIntent",
)
BUILTIN_INTENTS = tuple(
    f"AMAZON.{n}"
    for n in (
        "NextIntent",
        "PreviousIntent",
        "RepeatIntent",
        "PauseIntent",
        "ResumeIntent",
        "StartOverIntent",
        "YesIntent",
        "NoIntent",
        "HelpIntent",
        "StopIntent",
        "CancelIntent",
        "FallbackIntent",
        "NavigateHomeIntent",
    )
)

# ---------------------------------------------------------------------------------------------
# Samples shared by every English locale. Locale extras below add regional phrasing.
# ---------------------------------------------------------------------------------------------
COMMON_SAMPLES: dict[str, list[str]] = {
    "StartRoutineIntent": [
        "start the {routine}",
        "start {routine}",
        "begin {routine}",
        "begin the {routine}",
        "let's do the {routine}",
        "let's do {routine}",
        "I want to do {routine}",
        "I want to do the {routine}",
        "start my {routine} routine",
        "start the {routine} routine",
        "do the {routine} routine",
        "can we do the {routine}",
        "take me through the {routine}",
        "guide me through the {routine}",
        "lead me through {routine}",
        "I'd like to do the {routine}",
        "run the {routine} routine",
        "{routine}",
        "{routine} please",
        "the {routine} please",
        "start a routine",
        "start a workout",
        "start my exercises",
        "start my stretches",
        "let's exercise",
        "let's get started",
        "I want to stretch",
        "start a {minutes} minute routine",
        "give me a {minutes} minute routine",
        "I have {minutes} minutes",
        "I've got {minutes} minutes to exercise",
        "do a {minutes} minute {routine}",
        "start a {minutes} minute {focus}",
        "start a {minutes} minute {focus} without {avoid}",
        "start a {minutes} minute {focus} with no {avoid}",
        "give me a {minutes} minute {focus}",
        "give me a {minutes} minute {focus} without {avoid}",
        "a {minutes} minute {focus}",
        "a {minutes} minute {focus} without {avoid}",
        "a {minutes} minute {focus} with no {avoid}",
        "I want a {minutes} minute {focus}",
        "I want a {minutes} minute {focus} without {avoid}",
        "{minutes} minutes of {focus}",
        "{minutes} minutes of {focus} without {avoid}",
        "start a {minutes} minute routine without {avoid}",
        "a {minutes} minute routine without {avoid}",
        "a {minutes} minute routine with no {avoid}",
        "I have {minutes} minutes but no {avoid}",
        "start a {focus} routine",
        "start a {focus} routine without {avoid}",
        "a {focus} routine without {avoid}",
        "something without {avoid}",
        "a routine without {avoid}",
    ],
    "ListRoutinesIntent": [
        "what routines are there",
        "what routines do you have",
        "list the routines",
        "list routines",
        "list my routines",
        "which routines can I do",
        "tell me the routines",
        "read me the routines",
        "what routines are available",
        "show me the routines",
        "show routines",
        "which routines are there",
        "what workouts do you have",
        "name the routines",
        "give me the list of routines",
        "what are the routines",
        "what sessions do you have",
        "what stretches do you have",
        "what can I choose from",
    ],
    "DescribeExerciseIntent": [
        "how do I do the {exercise}",
        "how do I do {exercise}",
        "how do I do a {exercise}",
        "describe the {exercise}",
        "describe {exercise}",
        "explain the {exercise}",
        "explain {exercise}",
        "what is the {exercise}",
        "what is {exercise}",
        "what is a {exercise}",
        "tell me about the {exercise}",
        "tell me about {exercise}",
        "teach me the {exercise}",
        "show me how to do the {exercise}",
        "walk me through the {exercise}",
        "what's the {exercise}",
        "how does the {exercise} work",
        "{exercise}",
        "describe this exercise",
        "what is this exercise",
        "explain this exercise",
        "how do I do this exercise",
        "how do I do this",
        "what am I supposed to do",
    ],
    "LinkPhoneIntent": [
        "link my phone",
        "link phone",
        "connect my phone",
        "pair my phone",
        "pair phone",
        "link my mobile",
        "connect my mobile",
        "pair my mobile",
        "give me a pairing code",
        "give me a code",
        "I need a code for my phone",
        "get a pairing code",
        "set up my phone",
        "add my phone",
        "link a new phone",
        "sync my phone",
        "connect to my phone",
        "show this on my phone",
        "I want to use my phone",
        "pair with my phone",
    ],
    "UnlinkPhoneIntent": [
        "unlink my phone",
        "forget my phone",
        "unpair my phone",
        "disconnect my phone",
        "remove my phone",
        "unlink phone",
        "forget phone",
        "disconnect phone",
        "stop syncing with my phone",
        "remove the linked phone",
        "unlink my mobile",
        "disconnect my mobile",
        "forget my mobile",
        "remove my mobile",
        "I don't want my phone linked",
        "unlink all phones",
        "forget all my phones",
        "stop sharing with my phone",
    ],
    "PainIntent": [
        "it hurts",
        "I feel a sharp pain",
        "that hurts",
        "ouch",
        "ow",
        "I'm in pain",
        "my back hurts",
        "this is painful",
        "that's painful",
        "this hurts",
        "I have a sharp pain",
        "I felt something pull",
        "I feel pain",
        "pain",
        "my hip hurts",
        "my hip is hurting",
        "my back is hurting",
        "it's hurting",
        "I hurt myself",
        "that really hurts",
        "I'm hurting",
        "it's too painful",
        "sharp pain",
        "I have pain in my hip",
        "I have pain in my back",
        "my groin hurts",
        "my leg hurts",
    ],
    "HowMuchLongerIntent": [
        "how much longer",
        "how much longer is left",
        "how long is left",
        "how much time is left",
        "how long until I'm done",
        "how many more",
        "how many more exercises",
        "how many exercises are left",
        "how far along am I",
        "how long to go",
        "how much more",
        "when does this end",
        "when will I be done",
        "how much time remaining",
        "how long is this routine",
        "how many reps left",
        "how many seconds left",
        "are we nearly done",
        "are we almost done",
        "am I almost done",
        "is it nearly over",
        "time left",
    ],
    "SlowerIntent": [
        "slower",
        "slow down",
        "go slower",
        "slower please",
        "that's too fast",
        "too fast",
        "can you slow down",
        "please slow down",
        "give me more time",
        "longer holds",
        "hold longer",
        "I need more time",
        "take it slower",
        "make it slower",
        "slow it down",
        "make the holds longer",
        "go more slowly",
        "a bit slower",
        "slower pace",
        "ease off the pace",
    ],
    "FasterIntent": [
        "faster",
        "speed up",
        "go faster",
        "faster please",
        "that's too slow",
        "too slow",
        "can you speed up",
        "please speed up",
        "shorter holds",
        "hold for less time",
        "make it faster",
        "speed it up",
        "pick up the pace",
        "quicker",
        "go quicker",
        "a bit faster",
        "faster pace",
        "make the holds shorter",
        "hurry up",
        "less time please",
    ],
    # The whole exercise, not just this set ("next" ends a set): the engine's "skip".
    "SkipExerciseIntent": [
        "skip this exercise",
        "skip this one",
        "skip it",
        "skip the exercise",
        "skip this exercise please",
        "next exercise",
        "move on to the next exercise",
        "go to the next exercise",
        "skip to the next exercise",
        "jump to the next exercise",
        "on to the next exercise",
        "I don't want to do this one",
        "I don't want to do this exercise",
        "I'd rather skip this one",
        "let's skip this one",
        "let's skip this exercise",
        "can we skip this one",
        "can we skip this exercise",
        "skip the rest of this exercise",
        "leave this one out",
        "pass on this one",
        "skip over this one",
        "I'll skip this one",
    ],
    "AMAZON.NextIntent": [
        "next",
        "next step",
        "next one",
        "move on",
        "I'm ready",
        "ready",
        "okay I'm ready",
        "let's go",
        "go ahead",
        "skip",
        "what's next",
    ],
    "AMAZON.PreviousIntent": [
        "previous",
        "go back",
        "back",
        "previous exercise",
        "last exercise",
        "the one before",
        "go back one",
        "back up",
    ],
    "AMAZON.RepeatIntent": [
        "repeat",
        "say that again",
        "repeat that",
        "what did you say",
        "come again",
        "pardon",
        "sorry what",
        "again",
        "repeat this exercise",
        "do that again",
        "start this exercise again",
    ],
    "AMAZON.PauseIntent": [
        "pause",
        "hold on",
        "wait",
        "wait a moment",
        "pause the routine",
        "hang on",
        "give me a minute",
        "just a second",
        "pause for a bit",
        "take a break",
        "I need a break",
    ],
    "AMAZON.ResumeIntent": [
        "resume",
        "continue",
        "continue my routine",
        "keep going",
        "pick up where I left off",
        "carry on",
        "unpause",
        "let's continue",
        "resume my routine",
        "I'm back",
        "go on",
    ],
    "AMAZON.StartOverIntent": [
        "start over",
        "start again",
        "restart",
        "restart the routine",
        "from the beginning",
        "start from the top",
        "go back to the start",
        "begin again",
    ],
    "AMAZON.YesIntent": [
        "yes",
        "yeah",
        "yep",
        "sure",
        "okay",
        "yes please",
        "please do",
        "of course",
        "absolutely",
        "sounds good",
        "go for it",
    ],
    "AMAZON.NoIntent": [
        "no",
        "nope",
        "no thanks",
        "no thank you",
        "not now",
        "nah",
        "not really",
        "I don't think so",
    ],
    "AMAZON.HelpIntent": [
        "help",
        "help me",
        "I need help",
        "what can I say",
        "what can I do",
        "how does this work",
        "what do I say",
        "what are my options",
    ],
    "AMAZON.StopIntent": [
        "stop",
        "stop the routine",
        "end the routine",
        "finish",
        "I'm finished",
        "that's enough",
        "end session",
        "I'm done",
        "finish the routine",
        "stop exercising",
    ],
    "AMAZON.CancelIntent": ["cancel", "never mind", "forget it", "cancel that"],
    "AMAZON.FallbackIntent": [],
    "AMAZON.NavigateHomeIntent": [],
}

# Regional phrasing, added to the common samples for that locale only.
LOCALE_SAMPLES: dict[str, dict[str, list[str]]] = {
    "en-US": {
        "StartRoutineIntent": ["start the {routine} program", "start my program"],
        "ListRoutinesIntent": ["what programs do you have", "list the programs"],
        "LinkPhoneIntent": ["link my cell phone", "connect my cell"],
        "UnlinkPhoneIntent": ["unlink my cell phone"],
    },
    "en-CA": {
        "StartRoutineIntent": ["start the {routine} program", "start my program"],
        "ListRoutinesIntent": ["what programs do you have", "list the programs"],
        "LinkPhoneIntent": ["link my cell phone", "connect my cell"],
        "UnlinkPhoneIntent": ["unlink my cell phone"],
    },
    "en-GB": {
        "StartRoutineIntent": [
            "start the {routine} programme",
            "start my programme",
            "I fancy doing the {routine}",
        ],
        "ListRoutinesIntent": ["what programmes do you have", "list the programmes"],
        "LinkPhoneIntent": ["link my mobile phone"],
        "UnlinkPhoneIntent": ["unlink my mobile phone"],
        "PainIntent": ["that's sore", "it's really sore", "my back is sore", "my hip is sore"],
        "HowMuchLongerIntent": ["how long have I got left", "are we nearly there"],
    },
    "en-AU": {
        "StartRoutineIntent": [
            "start the {routine} program",
            "start my program",
            "let's get into the {routine}",
        ],
        "ListRoutinesIntent": ["what programs do you have", "list the programs"],
        "LinkPhoneIntent": ["link my mobile phone"],
        "UnlinkPhoneIntent": ["unlink my mobile phone"],
        "PainIntent": ["that's sore", "it's really sore", "my back is sore", "my hip is sore"],
        "HowMuchLongerIntent": ["how long have I got left", "are we nearly there"],
    },
    "en-IN": {
        "StartRoutineIntent": [
            "kindly start the {routine}",
            "please start {routine} for me",
            "I want to do {routine} exercises",
            "start the {routine} programme",
        ],
        "ListRoutinesIntent": ["what programmes do you have", "which exercise routines are there"],
        "DescribeExerciseIntent": [
            "what is the procedure for {exercise}",
            "tell me the steps for {exercise}",
        ],
        "LinkPhoneIntent": ["link my mobile phone", "connect my mobile number"],
        "UnlinkPhoneIntent": ["unlink my mobile phone"],
        "PainIntent": ["it is paining", "my back is paining", "it's paining a lot", "my hip is paining"],
        "HowMuchLongerIntent": ["how much more time", "how many more minutes"],
    },
}


def _slot_type_values(items) -> list[dict[str, Any]]:
    values = []
    for item in items:
        seen = {item.name.strip().lower()}
        synonyms = []
        for syn in item.synonyms:
            key = syn.strip().lower()
            if key and key not in seen:
                seen.add(key)
                synonyms.append(syn.strip())
        values.append({"id": item.id, "name": {"value": item.name, "synonyms": synonyms}})
    return values


def _fixed_values(values: list[tuple[str, str, list[str]]]) -> list[dict[str, Any]]:
    return [
        {"id": id_, "name": {"value": name, "synonyms": list(synonyms)}} for id_, name, synonyms in values
    ]


def samples_for(locale: str) -> dict[str, list[str]]:
    """Every intent's samples for ``locale`` (common + regional), duplicates removed, order kept."""
    if locale not in LOCALES:
        raise ValueError(f"unsupported locale {locale!r}; supported: {', '.join(LOCALES)}")
    out: dict[str, list[str]] = {}
    extras = LOCALE_SAMPLES.get(locale, {})
    for name in CUSTOM_INTENTS + BUILTIN_INTENTS:
        seen: set[str] = set()
        merged = []
        for sample in COMMON_SAMPLES[name] + extras.get(name, []):
            if sample.lower() not in seen:
                seen.add(sample.lower())
                merged.append(sample)
        out[name] = merged
    return out


def build_model(locale: str, catalogue=None) -> dict[str, Any]:
    """The ASK interaction model for one locale, as a JSON-ready dict."""
    if catalogue is None:
        from shared_content.catalogue import load_catalogue

        catalogue = load_catalogue()
    intents = []
    for name, samples in samples_for(locale).items():
        entry: dict[str, Any] = {"name": name}
        slots = SLOTS.get(name)
        if slots:
            entry["slots"] = [{"name": s, "type": t, "samples": []} for s, t in slots.items()]
        entry["samples"] = list(samples)
        intents.append(entry)
    types = [
        {"name": ROUTINE_TYPE, "values": _slot_type_values(catalogue.routines.values())},
        {"name": EXERCISE_TYPE, "values": _slot_type_values(catalogue.exercises.values())},
        {"name": FOCUS_TYPE, "values": _fixed_values(FOCUS_VALUES)},
        {"name": POSITION_TYPE, "values": _fixed_values(POSITION_VALUES)},
    ]
    return {
        "interactionModel": {
            "languageModel": {"invocationName": INVOCATION_NAME, "intents": intents, "types": types},
        },
        "version": "1",
    }


# ---------------------------------------------------------------------------------------------
# The skill manifest
# ---------------------------------------------------------------------------------------------
DISCLAIMER = (
    "This skill provides general exercise guidance and is not medical advice. It does not diagnose or treat "
    "any condition. Check with your doctor or physiotherapist before starting a new exercise programme, "
    "especially after an injury, surgery or during pregnancy. Stop at once if you feel sharp pain, numbness "
    "or tingling, and seek medical help for pain that is severe, sudden or getting worse."
)

SUMMARY = "Guided stretches and exercises for tight or sore hip flexors (psoas), with holds counted aloud."

DESCRIPTION = (
    "Psoas Coach talks you through short routines for the psoas and hip flexors: gentle stretches, core "
    "strengthening, release techniques and posture checks. Pick a routine such as the morning stretch, the desk "
    "break or the quick release, and the coach explains each step, counts every hold aloud and tells you when to "
    "rest. Say next, pause, go back, skip this exercise, slower or faster at any time. Ask how to do an exercise, or how much longer "
    "is left. Link your phone with a six digit code to follow the same session on screen with a live countdown; "
    "either device can move the routine along.\n\n" + DISCLAIMER
)

EXAMPLE_PHRASES = [
    "Alexa, open psoas coach",
    "Alexa, ask psoas coach to start the morning stretch",
    "Alexa, ask psoas coach how do I do the pelvic tilt",
]

KEYWORDS = [
    "psoas",
    "hip flexor",
    "stretching",
    "back pain",
    "exercise",
    "physio",
    "posture",
    "core",
    "mobility",
]

DISTRIBUTION_COUNTRIES = ["US", "GB", "CA", "AU", "IN"]

APL_VIEWPORTS = [
    {"mode": "HUB", "shape": "ROUND", "minWidth": 100, "maxWidth": 599, "minHeight": 100, "maxHeight": 599},
    {
        "mode": "HUB",
        "shape": "RECTANGLE",
        "minWidth": 960,
        "maxWidth": 1279,
        "minHeight": 600,
        "maxHeight": 959,
    },
    {
        "mode": "HUB",
        "shape": "RECTANGLE",
        "minWidth": 1280,
        "maxWidth": 1920,
        "minHeight": 600,
        "maxHeight": 1279,
    },
    {
        "mode": "TV",
        "shape": "RECTANGLE",
        "minWidth": 960,
        "maxWidth": 960,
        "minHeight": 540,
        "maxHeight": 540,
    },
]

SMALL_ICON = "file://assets/images/psoas-coach-108.png"
LARGE_ICON = "file://assets/images/psoas-coach-512.png"


def _site_base(endpoint: str) -> str:
    base = endpoint.rstrip("/")
    return base[: -len("/alexa")] if base.endswith("/alexa") else base


def build_manifest(endpoint_url: str = PLACEHOLDER_ENDPOINT) -> dict[str, Any]:
    """The ASK skill manifest (``skill-package/skill.json``) pointing at ``endpoint_url``.

    Icons are ``file://assets/...`` paths, which the ASK CLI uploads from the skill package.
    """
    site = _site_base(endpoint_url)
    endpoint = {"uri": endpoint_url, "sslCertificateType": "Trusted"}
    description = DESCRIPTION
    locales = {}
    privacy_locales = {}
    for locale in LOCALES:
        text = description.replace("programme", "program") if locale in ("en-US", "en-CA") else description
        locales[locale] = {
            "name": SKILL_NAME,
            "summary": SUMMARY,
            "description": text,
            "examplePhrases": list(EXAMPLE_PHRASES),
            "keywords": list(KEYWORDS),
            "smallIconUri": SMALL_ICON,
            "largeIconUri": LARGE_ICON,
        }
        privacy_locales[locale] = {"privacyPolicyUrl": f"{site}/privacy", "termsOfUseUrl": f"{site}/terms"}
    return {
        "manifest": {
            "manifestVersion": "1.0",
            "publishingInformation": {
                "locales": locales,
                "isAvailableWorldwide": False,
                "distributionCountries": list(DISTRIBUTION_COUNTRIES),
                "distributionMode": "PUBLIC",
                "category": "HEALTH_AND_FITNESS",
                "testingInstructions": (
                    "Say 'Alexa, open psoas coach', then 'start the quick release'. Say 'next' to move through the "
                    "steps, 'pause' and 'resume', 'slower' or 'faster', 'how much longer', and 'it hurts' to stop "
                    "the routine safely. Say 'link my phone' for a six digit code to enter on the web app's pair page. "
                    "No account linking and no purchases."
                ),
            },
            "privacyAndCompliance": {
                "allowsPurchases": False,
                "usesPersonalInfo": False,
                "isChildDirected": False,
                "isExportCompliant": True,
                "containsAds": False,
                "locales": privacy_locales,
            },
            "permissions": [],
            "events": {
                "endpoint": copy.deepcopy(endpoint),
                "subscriptions": [{"eventName": "SKILL_DISABLED"}],
            },
            "apis": {
                "custom": {
                    "endpoint": copy.deepcopy(endpoint),
                    "interfaces": [
                        {"type": "ALEXA_PRESENTATION_APL", "supportedViewports": copy.deepcopy(APL_VIEWPORTS)}
                    ],
                },
            },
        }
    }


def dumps(data: dict[str, Any]) -> str:
    """The exact text written to disk (stable, so a checked-in file can be compared byte for byte)."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def write_models(
    directory: str | Path = MODELS_DIR, catalogue=None, endpoint_url: str = PLACEHOLDER_ENDPOINT
) -> list[Path]:
    """Write ``<locale>.json`` for every locale and ``skill.json`` into ``directory``."""
    if catalogue is None:
        from shared_content.catalogue import load_catalogue

        catalogue = load_catalogue()
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for locale in LOCALES:
        path = directory / f"{locale}.json"
        path.write_text(dumps(build_model(locale, catalogue)), encoding="utf-8")
        written.append(path)
    path = directory / "skill.json"
    path.write_text(dumps(build_manifest(endpoint_url)), encoding="utf-8")
    written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    directory = Path(argv[0]) if argv else MODELS_DIR
    for path in write_models(directory):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
