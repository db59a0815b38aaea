from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from aref.errors import InvalidInputError
from aref.logs import FORMAT, configure_logging, level_name


@contextmanager
def bare_root() -> Iterator[logging.Logger]:
    """The root logger with no handler (pytest's capture handlers set aside), restored after.

    Entered inside the test: pytest installs its handlers after the fixtures ran."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    root.handlers = []
    try:
        yield root
    finally:
        root.handlers = handlers
        root.setLevel(level)


def test_level_names_are_case_insensitive() -> None:
    assert [level_name(v) for v in ("debug", " Info ", "WARNING", "error", "critical")] == [
        "DEBUG",
        "INFO",
        "WARNING",
        "ERROR",
        "CRITICAL",
    ]


def test_configure_sets_the_level_and_adds_one_stderr_handler() -> None:
    with bare_root() as root:
        configure_logging("debug")
        assert root.level == logging.DEBUG
        [handler] = root.handlers
        assert isinstance(handler, logging.StreamHandler)
        assert handler.formatter is not None
        assert handler.formatter._fmt == FORMAT
        assert logging.getLogger("aref.detection").isEnabledFor(logging.DEBUG)


def test_configure_is_idempotent() -> None:
    with bare_root() as root:
        configure_logging("INFO")
        first = root.handlers[:]
        configure_logging("INFO")
        configure_logging("WARNING")
        assert root.handlers == first
        assert root.level == logging.WARNING
        assert not logging.getLogger("aref").isEnabledFor(logging.INFO)


def test_a_host_that_routes_logs_keeps_its_handlers() -> None:
    with bare_root() as root:
        host = logging.NullHandler()
        root.addHandler(host)
        configure_logging("ERROR")
        assert root.handlers == [host]
        assert root.level == logging.ERROR


def test_an_unknown_level_names_the_variable() -> None:
    with bare_root() as root:
        with pytest.raises(InvalidInputError) as info:
            configure_logging("verbose")
        assert info.value.field == "AREF_LOG_LEVEL"
        assert "'verbose'" in info.value.reason
        assert root.handlers == []
