"""Process logging from ``AREF_LOG_LEVEL``: stdlib ``logging`` only.

Every entry point calls ``configure_logging(settings.log_level)`` once it has its settings. The
root logger takes the level; a stderr handler is added only when the root logger has none, so a
host that already routes logs (uvicorn, Ray, pytest) keeps its own handlers and no line is
written twice. Calling it again only changes the level.
"""

from __future__ import annotations

import logging

from aref.errors import InvalidInputError

VARIABLE = "AREF_LOG_LEVEL"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
KNOWN = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def level_name(value: str) -> str:
    """The upper-case name of a stdlib logging level (``"info"`` -> ``"INFO"``); refuses unknown names."""
    name = value.strip().upper()
    if name not in logging.getLevelNamesMapping():
        raise InvalidInputError(VARIABLE, f"unknown logging level {value!r} (known: {', '.join(KNOWN)})")
    return name


def configure_logging(level: str) -> None:
    """Set the root logger's level, adding a stderr handler if the root logger has no handler yet."""
    name = level_name(level)
    root = logging.getLogger()
    root.setLevel(name)
    if not root.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(FORMAT))
        root.addHandler(handler)
