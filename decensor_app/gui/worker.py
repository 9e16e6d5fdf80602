"""Running a batch off the GUI thread, with Qt signals for progress, results and the end, and
loading models in the background (once per model) so that the window never waits on it."""

from __future__ import annotations

import atexit
import contextlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from decensor_app.engines import Engine, EngineError, load_engine
from decensor_app.engines.base import CensorType
from decensor_app.pipeline import (
    BatchOptions,
    BatchReport,
    Cancelled,
    CancelToken,
    FileResult,
    Progress,
    UsageError,
    run_batch,
)

EngineKey = tuple[str, CensorType, str]

#: How often a batch waiting for its model looks at its cancel token (seconds).
_CANCEL_POLL_S = 0.05


@dataclass(eq=False)
class _Loading:
    """One model being loaded in a daemon thread; ``done`` is set with its engine or error."""

    done: threading.Event = field(default_factory=threading.Event)
    engine: Engine | None = None
    error: Exception | None = None
    callbacks: list[Callable[[_Loading], None]] = field(default_factory=list)


_loads: dict[EngineKey, _Loading] = {}
_loads_lock = threading.Lock()

#: How long the process, once its windows are closed, waits for a model still loading
#: (seconds). An ONNX Runtime session is built in well under a second, and a process that exits
#: while ONNX Runtime is inside its constructor aborts in the library's static destructors
#: ("terminate called ..."); a Keras load that takes longer is abandoned, as a daemon thread
#: in TensorFlow is killed cleanly.
_EXIT_WAIT_S = 5.0


_exiting = False


@atexit.register
def _let_loads_finish() -> None:
    global _exiting
    with _loads_lock:
        # The windows are gone by now: a callback emitting into them would crash
        _exiting = True
        pending = [loading.done for loading in _loads.values() if not loading.done.is_set()]
    deadline = time.monotonic() + _EXIT_WAIT_S
    for done in pending:
        done.wait(max(0.0, deadline - time.monotonic()))


def engine_key(options: BatchOptions) -> EngineKey:
    return (options.model_name, options.censor, str(options.models_dir))


def engine_ready(options: BatchOptions) -> bool:
    """Whether the engine ``options`` names is loaded (a batch starts restoring at once)."""
    with _loads_lock:
        loading = _loads.get(engine_key(options))
    return loading is not None and loading.done.is_set() and loading.engine is not None


def _load(key: EngineKey, loading: _Loading, models_dir: Path | None) -> None:
    name, censor, _ = key
    try:
        # load_engine keeps TensorFlow's start-up notices off the terminal
        loading.engine = load_engine(name, censor, models_dir)
    except Exception as error:  # handed to every waiter, which reports it
        loading.error = error
        with _loads_lock:  # not cached: the next batch tries again (the file may be fixed)
            if _loads.get(key) is loading:
                del _loads[key]
    with _loads_lock:
        loading.done.set()
        callbacks = [] if _exiting else list(loading.callbacks)
    for callback in callbacks:
        callback(loading)


def load_in_background(
    options: BatchOptions, callback: Callable[[_Loading], None] | None = None
) -> _Loading:
    """Start loading (once per model, censor type and folder) the engine ``options`` names in
    a daemon thread, which quitting the app does not wait for; ``callback(loading)`` is called
    (in that thread, or at once when already loaded) when it is done.

    Learned models import TensorFlow on first use: off the GUI thread, never at start-up.
    """
    key = engine_key(options)
    with _loads_lock:
        loading = _loads.get(key)
        start = loading is None
        if loading is None:
            loading = _loads[key] = _Loading()
        already = loading.done.is_set()
        if callback is not None and not already:
            loading.callbacks.append(callback)
    if start:
        threading.Thread(
            target=_load, args=(key, loading, options.models_dir), daemon=True, name="model"
        ).start()
    if callback is not None and already:
        callback(loading)
    return loading


def cached_engine(options: BatchOptions, cancel: CancelToken | None = None) -> Engine:
    """The engine ``options`` names, loaded once and shared by every batch.

    Raises:
        Cancelled: ``cancel`` was set while the model was still loading.
        EngineError: the model cannot be loaded.
    """
    loading = load_in_background(options)
    while not loading.done.wait(_CANCEL_POLL_S):
        if cancel is not None and cancel.cancelled:
            raise Cancelled()
    if loading.error is not None:
        if isinstance(loading.error, EngineError):
            raise loading.error
        raise EngineError(f"cannot load model {options.model_name}: {loading.error}")
    assert loading.engine is not None
    return loading.engine


class ModelPreloader(QObject):
    """Loads models in the background; ``loaded(model, error)`` arrives in the GUI thread
    (``error`` is "" on success)."""

    loaded = Signal(str, str)

    def preload(self, options: BatchOptions) -> bool:
        """Start loading ``options``' engine; True when it was not loaded yet."""
        name = options.model_name
        if engine_ready(options):
            return False

        def done(loading: _Loading) -> None:
            with contextlib.suppress(RuntimeError):  # the window is gone: nobody to tell
                self.loaded.emit(name, "" if loading.error is None else str(loading.error))

        load_in_background(options, done)
        return True


class BatchWorker(QObject):
    """Runs :func:`run_batch` when :meth:`run` is called (in the thread it was moved to)."""

    progress = Signal(object)  # Progress
    file_finished = Signal(object)  # FileResult
    finished = Signal(object)  # BatchReport
    failed = Signal(str)  # the batch could not start

    def __init__(self, options: BatchOptions) -> None:
        super().__init__()
        self.options = options
        self.cancel_token = CancelToken()

    def cancel(self) -> None:
        """Thread-safe: the batch stops after the current region (or while its model loads)."""
        self.cancel_token.cancel()

    @Slot()
    def run(self) -> None:
        try:
            engine = cached_engine(self.options, self.cancel_token)
            report = run_batch(
                self.options,
                engine=engine,
                progress=self._progress,
                cancel=self.cancel_token,
                on_result=self._result,
            )
        except Cancelled:  # while the model loaded: nothing was restored
            self.finished.emit(BatchReport(model=self.options.model_name, cancelled=True))
            return
        except (UsageError, EngineError) as error:
            self.failed.emit(str(error))
            return
        except Exception as error:  # reported in the log; the window must survive it
            self.failed.emit(f"unexpected error ({type(error).__name__}: {error})")
            return
        self.finished.emit(report)

    def _progress(self, event: Progress) -> None:
        self.progress.emit(event)

    def _result(self, result: FileResult) -> None:
        self.file_finished.emit(result)
