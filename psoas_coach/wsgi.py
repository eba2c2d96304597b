"""WSGI entry for gunicorn: `gunicorn -c psoas_coach/gunicorn_conf.py psoas_coach.wsgi:app`."""

from psoas_coach.app import create_app

app = create_app()
