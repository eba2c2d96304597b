"""Speech: per-locale phrases (phrases.py), SSML helpers (ssml.py), hold counting (counting.py)
and the spoken shape of a session turn (narration.py)."""
