"""Composition root: the `psoas-coach` command and the app that mounts the phone app and the skill endpoint."""
