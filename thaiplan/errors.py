"""Errors that reach the user as a message and an exit code, never as a traceback."""


class ThaiplanError(Exception):
    """A failure the user can act on: the message says what went wrong and what to do."""

    exit_code = 1

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class InputError(ThaiplanError):
    """Input that cannot be read or parsed (a file, a query, an argument); exit code 2."""

    exit_code = 2
