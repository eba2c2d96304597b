"""Export an ASK CLI v2 ``skill-package/`` folder, ready for ``ask deploy``.

    DIR/skill-package/skill.json
    DIR/skill-package/interactionModels/custom/<locale>.json     (fresh from the catalogue)
    DIR/skill-package/assets/images/psoas-coach-108.png          (icons the manifest names as file://)
    DIR/skill-package/assets/images/psoas-coach-512.png

The endpoint is ``endpoint_url`` if given, else ``$PSOAS_PUBLIC_URL`` (a site root such as
``https://coach.example.org``, to which ``/alexa`` is added, or a full ``.../alexa`` URL), else the
``https://example.invalid/alexa`` placeholder, which ``ask deploy`` rejects, as it should.

    python -m skill.skill_package DIR [--endpoint URL]
"""

from __future__ import annotations

import argparse
import os
import struct
import sys
import zlib
from pathlib import Path

from shared_content.vocabulary import LOCALES
from skill.interaction_model import PLACEHOLDER_ENDPOINT, build_manifest, build_model, dumps

ENV_PUBLIC_URL = "PSOAS_PUBLIC_URL"


def resolve_endpoint(endpoint_url: str | None = None) -> str:
    url = (endpoint_url or os.environ.get(ENV_PUBLIC_URL) or "").strip()
    if not url:
        return PLACEHOLDER_ENDPOINT
    if not url.startswith("https://"):
        raise ValueError(f"Alexa only calls HTTPS endpoints; got {url!r}")
    url = url.rstrip("/")
    return url if url.endswith("/alexa") else url + "/alexa"


def _icon_png(size: int) -> bytes:
    """A plain icon: a teal square with a white ring, as an RGB PNG (no imaging library needed)."""
    teal, white = (0x0F, 0x76, 0x6E), (0xFF, 0xFF, 0xFF)
    c = (size - 1) / 2
    outer, inner = size * 0.36, size * 0.26
    rows = bytearray()
    for y in range(size):
        rows.append(0)  # filter: none
        for x in range(size):
            d2 = (x - c) ** 2 + (y - c) ** 2
            rows.extend(white if inner * inner <= d2 <= outer * outer else teal)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


def export_skill_package(
    directory: str | os.PathLike, endpoint_url: str | None = None, catalogue=None
) -> Path:
    """Write ``directory/skill-package`` and return its path."""
    if catalogue is None:
        from shared_content.catalogue import load_catalogue

        catalogue = load_catalogue()
    package = Path(directory) / "skill-package"
    models = package / "interactionModels" / "custom"
    images = package / "assets" / "images"
    models.mkdir(parents=True, exist_ok=True)
    images.mkdir(parents=True, exist_ok=True)
    (package / "skill.json").write_text(
        dumps(build_manifest(resolve_endpoint(endpoint_url))), encoding="utf-8"
    )
    for locale in LOCALES:
        (models / f"{locale}.json").write_text(dumps(build_model(locale, catalogue)), encoding="utf-8")
    (images / "psoas-coach-108.png").write_bytes(_icon_png(108))
    (images / "psoas-coach-512.png").write_bytes(_icon_png(512))
    return package


def main(argv: list[str] | None = None, prog: str = "python -m skill.skill_package") -> int:
    parser = argparse.ArgumentParser(prog=prog, description="write an ASK CLI skill-package/ folder")
    parser.add_argument("directory")
    parser.add_argument(
        "--endpoint",
        default=None,
        help=f"public HTTPS URL of the skill endpoint (default: ${ENV_PUBLIC_URL}, else a placeholder)",
    )
    args = parser.parse_args(argv)
    try:
        path = export_skill_package(args.directory, args.endpoint)
    except ValueError as exc:
        print(f"{prog}: {exc}", file=sys.stderr)
        return 2
    print(f"Wrote the ASK CLI skill package to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
