"""Keeping TensorFlow's native start-up messages off the user's terminal.

TensorFlow prints its oneDNN, CUDA and absl notices from C++ while it is imported, before any
of its logging is set up (``TF_CPP_MIN_LOG_LEVEL`` does not silence them), so both the window
and the command load learned models inside :func:`quiet_native_stderr`.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
from collections.abc import Iterator

#: Lines of TensorFlow's and XLA's native logging (absl/glog format) and absl's notice.
_NATIVE_LOG_LINE = re.compile(
    r"^([IWEF]\d{4} [\d:.]+ +\d+ \S+:\d+\]|WARNING: All log messages before absl)"
)


@contextlib.contextmanager
def quiet_native_stderr() -> Iterator[list[str]]:
    """Keep what native code writes to file descriptor 2 meanwhile in the format of
    TensorFlow's start-up messages (printed before its logging is set up: no environment
    variable silences them) off the user's terminal; anything else written meanwhile is
    passed on afterwards. The list it yields gets the held-back text, for an error message.
    Python's own ``sys.stderr`` is flushed first, so nothing of ours is mixed in early."""
    captured: list[str] = []
    try:
        saved = os.dup(2)
    except OSError:  # no descriptor 2 (a windowed start): nothing reaches a terminal anyway
        yield captured
        return
    with tempfile.TemporaryFile() as sink:
        sys.stderr.flush()
        os.dup2(sink.fileno(), 2)
        try:
            yield captured
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            sink.seek(0)
            text = sink.read().decode(errors="replace")
            lines = text.splitlines(keepends=True)
            captured.append("".join(line for line in lines if _NATIVE_LOG_LINE.match(line)))
            rest = "".join(line for line in lines if not _NATIVE_LOG_LINE.match(line))
            if rest:
                with contextlib.suppress(OSError):
                    os.write(2, rest.encode())
