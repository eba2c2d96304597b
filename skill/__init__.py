"""The Psoas Coach Alexa skill (ask-sdk-core).

    builder.py      build_skill(coach) -> CustomSkill
    handlers/       one small handler per intent, grouped by session phase
    speech/         per-locale phrases, SSML helpers, hold counting
    locales/        the words, one TOML file per locale (same keys in each)
    apl/ + apl.py   the screen shown on Echo Show and other APL devices
    envelopes.py    real Alexa request envelopes, for tests, the console, e2e and benchmarks

Importing this package imports nothing heavy; import `skill.builder` for the skill itself.
"""
