"""`psoas-coach`: serve, migrate, content, talk, export-skill-package.

Each subcommand imports its part only when run, so `psoas-coach content list` needs no web stack.
"""

from __future__ import annotations

import argparse
import sys


def _serve(args: argparse.Namespace) -> int:
    from psoas_coach.config import is_loopback, settings_from_env
    from psoas_coach.server import serve

    if args.dev and not is_loopback(args.host):
        print(
            f"--dev turns off Alexa request verification, so it only runs on a loopback host, not {args.host!r}.",
            file=sys.stderr,
        )
        return 2
    settings = settings_from_env(dev=args.dev)
    return serve(settings, host=args.host, port=args.port, workers=args.workers)


def _migrate(args: argparse.Namespace) -> int:
    import os

    from shared_content.store import Store, default_database_url

    url = os.environ.get("DATABASE_URL") or default_database_url()
    Store(url).migrate()
    print(f"Database is up to date: {Store.describe_url(url)}")
    return 0


def _content(argv: list[str]) -> int:
    from shared_content.catalogue.cli import main as content_main

    return content_main(argv)


def _talk(argv: list[str]) -> int:
    from skill.console import main as talk_main

    return talk_main(argv)


def _export(argv: list[str]) -> int:
    from skill.skill_package import main as export_main

    return export_main(argv, prog="psoas-coach export-skill-package")


# These parse their own options; argparse would swallow a leading "--url" before REMAINDER sees it.
PASS_THROUGH = {"content": _content, "talk": _talk, "export-skill-package": _export}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="psoas-coach", description="Psoas Coach: voice and screen exercise coach."
    )
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve the phone app and the Alexa endpoint")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--workers", type=int, default=None, help="worker processes (default: 1 with --dev, else 2)"
    )
    serve.add_argument(
        "--dev", action="store_true", help="accept unsigned Alexa requests; loopback hosts only"
    )
    serve.set_defaults(func=_serve)

    sub.add_parser("migrate", help="create or upgrade the database").set_defaults(func=_migrate)

    sub.add_parser("content", help="list or check the exercise catalogue (content list|check --help)")
    sub.add_parser("talk", help="the voice console: type what you would say to Alexa (talk --help)")

    sub.add_parser(
        "export-skill-package", help="write an ASK CLI skill-package/ folder (DIR [--endpoint URL])"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in PASS_THROUGH:
        return int(PASS_THROUGH[argv[0]](argv[1:]) or 0)
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)


def run() -> int:
    try:
        return main()
    except BrokenPipeError:  # `psoas-coach content list | head` closed the pipe early: not an error
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(run())
