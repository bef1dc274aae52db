"""Ctrl-C, remembered: a run that was interrupted ends as interrupted (exit 130), even
where the KeyboardInterrupt itself was lost or disguised.

Python raises KeyboardInterrupt wherever the interpreter happens to be, and three
places hide it: a `__del__` (z3's objects free their C handles there) prints it as
"Exception ignored" and carries on; ctypes, converting the arguments of a Z3 call,
turns it into `ctypes.ArgumentError("argument 1: KeyboardInterrupt: ")`; and Z3's own
SIGINT handler, if left on, swallows the signal whenever the check it cancels finishes
anyway (the solvers are built with `ctrl_c` off, see `smt.new_solver`). So the handler
records the signal, and the places that must not go on after one (every solver
question, every folder written) check the record.
"""

from __future__ import annotations

import contextlib
import signal
import sys
import threading

_seen = False


def seen() -> bool:
    """Whether Ctrl-C arrived during the current `watched()` run."""
    return _seen


def stop_if_interrupted() -> None:
    """Raise KeyboardInterrupt if Ctrl-C arrived, even if the first one was swallowed."""
    if _seen:
        raise KeyboardInterrupt


def _handle(signum, frame) -> None:
    global _seen
    _seen = True
    signal.default_int_handler(signum, frame)


def _unraisable(hook):
    def quiet(unraisable) -> None:
        if isinstance(unraisable.exc_value, KeyboardInterrupt):
            return  # recorded by `_handle`; `stop_if_interrupted` raises it again
        if _seen:
            # an object the interrupt left half-built fails in its `__del__` (a z3 Context
            # stopped before it set `owner`): an echo of the Ctrl-C, not a second problem
            return
        hook(unraisable)
    return quiet


@contextlib.contextmanager
def watched():
    """Record Ctrl-C for the duration (in the main thread; elsewhere only the main
    thread may set a signal handler, and the caller keeps its own)."""
    global _seen
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _seen = False
    previous, previous_hook = signal.signal(signal.SIGINT, _handle), sys.unraisablehook
    sys.unraisablehook = _unraisable(previous_hook)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        sys.unraisablehook = previous_hook
