"""Exercise figures: poses as data (poses.toml), their checks, and the SVG renderer.

from shared_content.figures import load_figures, render_svg
svg = render_svg(load_figures()["pelvic-tilt"], "Pelvic tilt")
"""

from shared_content.figures.geometry import Skeleton, solve
from shared_content.figures.loader import FiguresError, load_figures
from shared_content.figures.model import Figure, Pose, Prop
from shared_content.figures.render import alt_text, render_svg

__all__ = [
    "Figure",
    "FiguresError",
    "Pose",
    "Prop",
    "Skeleton",
    "alt_text",
    "load_figures",
    "render_svg",
    "solve",
]
