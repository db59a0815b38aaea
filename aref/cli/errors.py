"""The CLI's failures: one line on stderr and an exit code, never a traceback.

Exit codes: 0 ok, 1 a hypothesis failed (a chaos run's verdict), 2 a usage, connection or API
error, 130 interrupted by Ctrl-C (after rolling back what the command started).
"""

from __future__ import annotations

from typing import IO, Any

import click

EXIT_OK = 0
EXIT_HYPOTHESIS_FAILED = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130


class CliError(click.ClickException):
    """A failure the user can act on, printed as its message alone."""

    exit_code = EXIT_ERROR

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(self.format_message(), err=True, file=file)


class UnreachableError(CliError):
    """Nothing answered at ``url`` (refused, timed out, bad address)."""

    def __init__(self, url: str, reason: object) -> None:
        super().__init__(f"cannot reach AREF at {url}: {reason}")
        self.url = url


class ApiError(CliError):
    """The API answered with an error body ``{"error": ..., "field": ...}``."""

    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        where = f" (field: {field})" if field and field not in message else ""
        super().__init__(f"error {status}: {message}{where}")
        self.status = status
        self.error = message
        self.field = field
