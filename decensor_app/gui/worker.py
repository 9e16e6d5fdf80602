"""Running a batch off the GUI thread, with Qt signals for progress, results and the end."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal, Slot

from decensor_app.engines import Engine, EngineError, load_engine
from decensor_app.engines.base import CensorType
from decensor_app.pipeline import (
    BatchOptions,
    CancelToken,
    FileResult,
    Progress,
    UsageError,
    run_batch,
)

_engines: dict[tuple[str, CensorType, str], Engine] = {}
_engines_lock = threading.Lock()


def cached_engine(options: BatchOptions) -> Engine:
    """Load (once per model, censor type and folder) the engine ``options`` names.

    Learned models import TensorFlow on first use: in the worker thread, never at start-up.
    """
    key = (options.model_name, options.censor, str(options.models_dir))
    with _engines_lock:
        if key not in _engines:
            _engines[key] = load_engine(options.model_name, options.censor, options.models_dir)
        return _engines[key]


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
        """Thread-safe: the batch stops after the current region."""
        self.cancel_token.cancel()

    @Slot()
    def run(self) -> None:
        try:
            engine = cached_engine(self.options)
            report = run_batch(
                self.options,
                engine=engine,
                progress=self._progress,
                cancel=self.cancel_token,
                on_result=self._result,
            )
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
