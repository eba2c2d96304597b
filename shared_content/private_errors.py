"""Database errors that never carry a person's data into a message or a log.

`hide_parameters=True` on the engine keeps bound values out of SQLAlchemy's messages, but
PostgreSQL itself echoes values back in an error's DETAIL line ("Key (kind, external_id)=(alexa,
amzn1.ask.account...) already exists"). `install(engine)` strips those lines from the driver's
exception and from SQLAlchemy's wrapper before anyone can log them. The exception classes are
unchanged, so code that catches IntegrityError still works.
"""

from __future__ import annotations

import re

from sqlalchemy import event
from sqlalchemy.engine import Engine, ExceptionContext

_DETAIL_LINE = re.compile(r"\n?DETAIL:[^\n]*")


def scrub(text: str) -> str:
    return _DETAIL_LINE.sub("", text)


def scrub_exception(exc: BaseException | None) -> None:
    """Strip the DETAIL lines from the exception's message, in place."""
    if exc is not None and exc.args and isinstance(exc.args[0], str):
        exc.args = (scrub(exc.args[0]), *exc.args[1:])


def install(engine: Engine) -> None:
    @event.listens_for(engine, "handle_error")
    def _scrub(context: ExceptionContext) -> None:
        scrub_exception(context.original_exception)
        scrub_exception(context.sqlalchemy_exception)
