"""Log a failure without its message: exception messages can carry what a person typed.

A pydantic ValidationError, for one, repeats the input it refused, and on this device that
input is a child's record. The app's log keeps the exception's type and where it happened
(file, line, function), which is what a developer needs, and nothing a user wrote.
"""

import logging
import traceback


def where(exc: BaseException) -> str:
    """The frames an exception passed through, as `file:line in function`, innermost first."""
    frames = traceback.extract_tb(exc.__traceback__)
    return " <- ".join(
        f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno} in {frame.name}"
        for frame in reversed(frames)
    )


def log_failure(log: logging.Logger, what: str, exc: BaseException) -> None:
    """Log that `what` failed with exc's type and frames, never exc's message or arguments."""
    log.error("%s: %s at %s", what, type(exc).__name__, where(exc) or "unknown place")
