"""The ASK interaction models (one per locale) and the skill manifest, generated from the catalogue.

The slot types ``RoutineName`` and ``ExerciseName`` are built from ``shared_content``'s catalogue
(id = catalogue id, name = catalogue name, synonyms = catalogue synonyms), so the voice model
cannot drift from the content. Intents, slots and samples come from ``skill/locales/samples/``:
``en.toml`` for every English locale, ``<locale>.toml`` for a region's extra phrasing. The
generated files are checked in under ``interaction_models/``;
a test fails when they differ from a fresh build. Regenerate them with::

    python -m skill.interaction_model            # rewrites interaction_models/*.json

Sample utterances follow the ASK rules: lower case words, apostrophes only, no digits, slots
in braces, and no sample in two intents.
"""

from __future__ import annotations

import copy
import json
import re
import sys
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from shared_content.vocabulary import (
    BASE_LANGUAGE,
    CATEGORIES,
    LOCALES,
    PAIRING_CODE_DIGITS,
    POSITIONS,
    SYMPTOMS,
    number_words,
)
from skill.reminders import REMINDERS_SCOPE

INVOCATION_NAME = "psoas coach"
SKILL_NAME = "Psoas Coach"
PLACEHOLDER_ENDPOINT = "https://example.invalid/alexa"
REPO_ROOT = Path(__file__).resolve().parent.parent
MODELS_DIR = REPO_ROOT / "interaction_models"

ROUTINE_TYPE = "RoutineName"
EXERCISE_TYPE = "ExerciseName"
FOCUS_TYPE = "RoutineFocus"
POSITION_TYPE = "ExercisePosition"
BODY_PART_TYPE = "BodyPart"
SIDE_TYPE = "BodySide"
SYMPTOM_TYPE = "PainSymptom"
EQUIPMENT_TYPE = "Equipment"
MIN_CUSTOM_SAMPLES = 40

# "a ten minute stretch without floor work": what an assembled routine favours and avoids, as said
# aloud, keyed by the catalogue's categories and positions (Catalogue.assemble's focus / avoid_positions).
FOCUS_WORDS: dict[str, tuple[str, list[str]]] = {
    "stretch": ("stretch", ["stretches", "stretching", "stretch routine"]),
    "strengthen": ("strengthening", ["strength", "strengthening exercises", "strength routine", "workout"]),
    "release": ("release", ["releases", "relaxation", "release routine"]),
    "posture": ("posture", ["posture check", "posture routine"]),
}
POSITION_WORDS: dict[str, tuple[str, list[str]]] = {
    "floor": (
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
    "seated": (
        "sitting",
        [
            "sitting down",
            "a chair",
            "chair work",
            "seated exercises",
            "in a chair",
            "at my desk",
            "at a desk",
        ],
    ),
    "standing": ("standing", ["standing up", "standing exercises", "on my feet"]),
}
# Where a wanted position is said differently from an avoided one ("a routine in bed" wants the
# lying-down exercises; "without getting on the floor" avoids them), these extra words say it.
POSITION_WORDS["floor"][1].extend(["in bed", "on my back", "on the floor"])
# "my left hip hurts": where it hurts, for the answer and for the person's own record.
BODY_PARTS: dict[str, tuple[str, list[str]]] = {
    "hip": ("hip", ["hips", "hip flexor", "hip flexors", "psoas"]),
    "lower-back": ("lower back", ["low back", "lumbar", "bottom of my back"]),
    "back": ("back", ["upper back", "spine", "middle of my back"]),
    "knee": ("knee", ["knees", "kneecap"]),
    "neck": ("neck", ["throat"]),
    "groin": ("groin", ["inner thigh", "pelvis"]),
    "leg": ("leg", ["legs", "calf", "shin"]),
    "thigh": ("thigh", ["thighs", "quad", "quads", "front of my thigh"]),
    "hamstring": ("hamstring", ["hamstrings", "back of my leg", "back of my thigh"]),
    "shoulder": ("shoulder", ["shoulders", "arm"]),
    "buttock": ("buttock", ["bum", "butt", "glute", "glutes", "bottom", "tailbone"]),
    "stomach": ("stomach", ["belly", "tummy", "abs", "abdomen"]),
    "foot": ("foot", ["feet", "ankle", "toes"]),
    "head": ("head", ["chest", "wrist", "hand"]),
}
SIDE_VALUES = [("left", "left", ["left hand"]), ("right", "right", ["right hand"])]

# A category or position without spoken words fails here, at import, not in a live session.
FOCUS_VALUES = [(c, *FOCUS_WORDS[c]) for c in CATEGORIES]
POSITION_VALUES = [(p, *POSITION_WORDS[p]) for p in POSITIONS]

SAMPLES_DIR = Path(__file__).resolve().parent / "locales" / "samples"


CARRIERS_TABLE = "carriers"


def _read_samples(name: str) -> dict[str, dict[str, Any]]:
    with open(SAMPLES_DIR / f"{name}.toml", "rb") as fh:
        return tomllib.load(fh)


def _expand(intent: dict[str, Any], carriers: dict[str, list[str]]) -> list[str]:
    """An intent's literal samples, then each core said in each of its carrier phrases, then each
    core of ``said_as`` (carrier set -> cores) in the carriers of its own set."""
    out = list(intent.get("samples", []))
    groups = [(intent.get("carriers", []), intent.get("cores", []))]
    groups += [([name], cores) for name, cores in intent.get("said_as", {}).items()]
    for names, cores in groups:
        for core in cores:
            for name in names:
                out.extend(carrier.replace("*", core) for carrier in carriers[name])
    return out


def _load_base() -> dict[str, dict[str, Any]]:
    tables = _read_samples(BASE_LANGUAGE)
    carriers = tables.pop(CARRIERS_TABLE, {})
    return {name: {**table, "samples": _expand(table, carriers)} for name, table in tables.items()}


# Every intent, its slots and its English samples (carriers expanded), from the base samples file.
BASE_INTENTS: dict[str, dict[str, Any]] = _load_base()
SLOTS: dict[str, dict[str, str]] = {n: dict(i["slots"]) for n, i in BASE_INTENTS.items() if "slots" in i}
CUSTOM_INTENTS = tuple(n for n in BASE_INTENTS if not n.startswith("AMAZON."))
BUILTIN_INTENTS = tuple(n for n in BASE_INTENTS if n.startswith("AMAZON."))


def regional_samples(locale: str) -> dict[str, list[str]]:
    """The extra samples ``locale`` adds to the base ones (its samples file; may be empty)."""
    extras = _read_samples(locale)
    unknown = sorted(extras.keys() - BASE_INTENTS.keys())
    if unknown:
        raise ValueError(f"samples/{locale}.toml: {unknown} are not intents in samples/{BASE_LANGUAGE}.toml")
    return {name: list(table["samples"]) for name, table in extras.items()}


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


def _fixed_values(values: Sequence[tuple[str, str, list[str]]]) -> list[dict[str, Any]]:
    return [
        {"id": id_, "name": {"value": name, "synonyms": list(synonyms)}} for id_, name, synonyms in values
    ]


def samples_for(locale: str) -> dict[str, list[str]]:
    """Every intent's samples for ``locale`` (base + regional), duplicates removed, order kept."""
    if locale not in LOCALES:
        raise ValueError(f"unsupported locale {locale!r}; supported: {', '.join(LOCALES)}")
    out: dict[str, list[str]] = {}
    extras = regional_samples(locale)
    for name, intent in BASE_INTENTS.items():
        seen: set[str] = set()
        merged = []
        for sample in intent["samples"] + extras.get(name, []):
            if sample.lower() not in seen:
                seen.add(sample.lower())
                merged.append(sample)
        out[name] = merged
    return out


def equipment_values(catalogue) -> list[tuple[str, str, list[str]]]:
    """Every piece of equipment the catalogue names ("bolster pillow"), said whole or by one word
    ("bolster", "pillow"), its id the name in kebab case."""
    names = sorted({item for ex in catalogue.exercises.values() for item in ex.equipment})
    return [(equipment_id(n), n, [w for w in n.split() if w != n]) for n in names]


def equipment_id(name: str) -> str:
    return "-".join(name.lower().split())


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
        {"name": BODY_PART_TYPE, "values": _fixed_values([(k, *v) for k, v in BODY_PARTS.items()])},
        {"name": SIDE_TYPE, "values": _fixed_values(SIDE_VALUES)},
        {
            "name": SYMPTOM_TYPE,
            "values": _fixed_values([(k, name, list(syn)) for k, (name, syn) in SYMPTOMS.items()]),
        },
        {"name": EQUIPMENT_TYPE, "values": _fixed_values(equipment_values(catalogue))},
    ]
    return {
        "interactionModel": {
            "languageModel": {"invocationName": INVOCATION_NAME, "intents": intents, "types": types},
        },
        "version": "1",
    }


# ---------------------------------------------------------------------------------------------
# The lint: what ASK would accept but people would trip over
# ---------------------------------------------------------------------------------------------
MAX_EXPANSIONS_PER_SAMPLE = 400
_SLOT = re.compile(r"\{(\w+)\}")


def _normal(text: str) -> str:
    """Case, punctuation and spacing removed: the form two samples are compared in."""
    return " ".join(re.sub(r"[^a-z'{} ]+", " ", text.lower()).split())


def _spoken_values(model: dict[str, Any]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {"AMAZON.NUMBER": ["five"]}
    for t in model["interactionModel"]["languageModel"]["types"]:
        out[t["name"]] = [
            _normal(said) for v in t["values"] for said in [v["name"]["value"], *v["name"]["synonyms"]]
        ]
    return out


def expansions(sample: str, slot_types: dict[str, str], values: dict[str, list[str]]) -> list[str]:
    """The sample with its slots filled by the slot types' values (capped, so a sample with three
    slots stays a few hundred strings)."""
    names = _SLOT.findall(sample)
    if not names:
        return [_normal(sample)]
    per_slot = max(1, int(MAX_EXPANSIONS_PER_SAMPLE ** (1 / len(names))))
    out = [sample]
    for name in names:
        options = values.get(slot_types.get(name, ""), [])[:per_slot] or [name]
        out = [text.replace("{" + name + "}", option, 1) for text in out for option in options]
    return [_normal(text) for text in out]


def lint(model: dict[str, Any]) -> list[str]:
    """Problems in one locale's model: a sample said by two intents (after normalising case and
    punctuation, and again with the slot values filled in), or a custom intent under
    MIN_CUSTOM_SAMPLES samples. Empty when the model is clean."""
    problems: list[str] = []
    values = _spoken_values(model)
    literal: dict[str, str] = {}
    expanded: dict[str, tuple[str, str]] = {}
    for intent in model["interactionModel"]["languageModel"]["intents"]:
        name, samples = intent["name"], intent["samples"]
        if not name.startswith("AMAZON.") and len(samples) < MIN_CUSTOM_SAMPLES:
            problems.append(f"{name} has {len(samples)} samples; a custom intent needs {MIN_CUSTOM_SAMPLES}")
        slot_types = {s["name"]: s["type"] for s in intent.get("slots", [])}
        for sample in samples:
            key = _normal(sample)
            if literal.get(key, name) != name:
                problems.append(f"{sample!r} is in {literal[key]} and {name}")
            literal.setdefault(key, name)
            for said in expansions(sample, slot_types, values):
                owner = expanded.setdefault(said, (name, sample))
                if owner[0] != name:
                    problems.append(f"{said!r} matches {owner[0]} ({owner[1]!r}) and {name} ({sample!r})")
    return problems


# ---------------------------------------------------------------------------------------------
# The skill manifest
# ---------------------------------------------------------------------------------------------
DISCLAIMER = (
    "This skill provides general exercise guidance and is not medical advice. It does not diagnose or treat "
    "any condition. Check with your doctor or physiotherapist before starting a new exercise programme, "
    "especially after an injury, surgery or during pregnancy. Stop at once if you feel sharp pain, numbness "
    "or tingling, and seek medical help for pain that is severe, sudden or getting worse."
)

CODE_WORDS = number_words(PAIRING_CODE_DIGITS)  # "six", as the manifest spells it

SUMMARY = "Guided stretches and exercises for tight or sore hip flexors (psoas), with holds counted aloud."

DESCRIPTION = (
    "Psoas Coach talks you through short routines for the psoas and hip flexors: gentle stretches, core "
    "strengthening, release techniques and posture checks. Pick a routine such as the morning stretch, the desk "
    "break or the quick release, and the coach explains each step, counts every hold aloud and tells you when to "
    "rest. Say next, pause, go back, skip this exercise, slower or faster at any time. Ask how to do an exercise, or how much longer "
    f"is left. Link your phone with a {CODE_WORDS} digit code to follow the same session on screen with a live countdown; "
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
                    f"the routine safely. Say 'link my phone' for a {CODE_WORDS} digit code to enter on the web app's "
                    "pair page. "
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
            "permissions": [{"name": REMINDERS_SCOPE}],
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
        model = build_model(locale, catalogue)
        problems = lint(model)
        if problems:
            raise ValueError(f"{locale}: the samples need fixing first:\n  " + "\n  ".join(problems))
        path = directory / f"{locale}.json"
        path.write_text(dumps(model), encoding="utf-8")
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
