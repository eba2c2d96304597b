"""Where the app keeps its files when no database URL is given. No SQLAlchemy here: the server's
master process reads settings (the dev secret, dev push keys) and never opens the database."""

from __future__ import annotations

import os

from platformdirs import user_data_dir

APP_NAME = "psoas-coach"


def data_dir() -> str:
    """The per-user data folder ($XDG_DATA_HOME/psoas-coach on Linux), created if missing."""
    path = user_data_dir(APP_NAME, appauthor=False)
    os.makedirs(path, exist_ok=True)
    return path


def default_database_url() -> str:
    return f"sqlite:///{os.path.join(data_dir(), 'psoas-coach.db')}"
