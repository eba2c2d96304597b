"""The exercise catalogue: typed model, loader/validator, routine assembly and the `content` CLI.

from shared_content.catalogue import load_catalogue
cat = load_catalogue()
cat.routine("morning-stretch").duration_seconds
"""

from shared_content.catalogue.catalogue import Catalogue
from shared_content.catalogue.loader import CatalogueError, load_catalogue
from shared_content.catalogue.model import Exercise, Routine, SafetyNotice
from shared_content.vocabulary import about_minutes  # re-exported: both front ends say durations with it

__all__ = [
    "Catalogue",
    "CatalogueError",
    "Exercise",
    "Routine",
    "SafetyNotice",
    "about_minutes",
    "load_catalogue",
]
