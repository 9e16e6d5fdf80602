"""The batch's small pipeline of threads (issue 21): the next picture is read while one is
restored, the previous one written meanwhile, results still in input order, nothing lost on
a failure, a cancel or Ctrl-C, and big pictures done one stage after the other."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from decensor_app.engines.base import EngineInput
from decensor_app.pipeline import CancelToken, UsageError, run_batch
from decensor_app.pipeline import batch as batch_module
from decensor_app.pipeline.sources import GreenPaint
from tests.conftest import FillEngine, Folders, box, paint, save_png, scene


def _inputs(folders: Folders, count: int) -> list[str]:
    names = [f"{index:02}.png" for index in range(count)]
    for index, name in enumerate(names):
        save_png(folders.input / name, paint(scene(seed=index), box(120, 160, 30, 20, 40, 30)))
    return names


class _Threads:
    """Which thread read and which wrote each file (patched into the batch)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.reads: dict[str, str] = {}
        self.writes: dict[str, str] = {}
        masked, save = GreenPaint.masked, batch_module.save_picture

        def recording_masked(source: GreenPaint, path: Path, max_pixels: int | None) -> object:
            self.reads[path.name] = threading.current_thread().name
            return masked(source, path, max_pixels)

        def recording_save(path: Path, *args: object, **kwargs: object) -> None:
            self.writes[path.name] = threading.current_thread().name
            save(path, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(GreenPaint, "masked", recording_masked)
        monkeypatch.setattr(batch_module, "save_picture", recording_save)


class _BlockingEngine(FillEngine):
    """Restores like FillEngine, but each call waits until the test lets it go and records
    which inputs had been read (their mask found) by then."""

    def __init__(self, threads: _Threads) -> None:
        super().__init__(None)
        self.threads = threads
        self.read_during_call: list[set[str]] = []

    def restore_batch(self, patches: Sequence[EngineInput]) -> list[np.ndarray]:
        # The read-ahead runs in its own thread: give it the time it needs, then look.
        for _ in range(200):
            if len(self.threads.reads) > len(self.read_during_call) + 1:
                break
            threading.Event().wait(0.01)
        self.read_during_call.append(set(self.threads.reads))
        return super().restore_batch(patches)


def test_the_next_picture_is_read_while_one_is_restored_and_written_behind(
    folders: Folders, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = _inputs(folders, 4)
    threads = _Threads(monkeypatch)
    engine = _BlockingEngine(threads)
    report = run_batch(folders.options(), engine=engine)
    assert [(r.input.name, r.status) for r in report.files] == [(n, "restored") for n in names]
    # While picture i was restored, picture i + 1 had been read already.
    for index, seen in enumerate(engine.read_during_call[:-1]):
        assert names[index + 1] in seen, (index, seen)
    assert all(name.startswith("decensor-read") for name in threads.reads.values())
    assert all(name.startswith("decensor-write") for name in threads.writes.values())
    assert sorted(p.name for p in folders.output.iterdir()) == names


def test_pictures_over_the_overlap_limit_are_read_and_written_in_turn(
    folders: Folders, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = _inputs(folders, 3)
    threads = _Threads(monkeypatch)
    monkeypatch.setattr(batch_module, "OVERLAP_MAX_PIXELS", 160 * 120 - 1)
    report = run_batch(folders.options(), engine=FillEngine(None))
    assert report.ok and len(report.files) == 3
    # Only the first picture is read ahead (while the model would load); then one at a time.
    assert threads.reads[names[0]].startswith("decensor-read")
    assert threads.reads[names[1]] == threads.reads[names[2]] == "MainThread"
    assert set(threads.writes.values()) == {"MainThread"}


def test_a_write_that_fails_behind_is_reported_for_its_file_and_the_batch_goes_on(
    folders: Folders, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = _inputs(folders, 3)
    save = batch_module.save_picture

    def failing_for_the_second(path: Path, *args: object, **kwargs: object) -> None:
        if path.name == names[1]:
            raise batch_module.PictureError(f"cannot write {path.name}: disk full")
        save(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(batch_module, "save_picture", failing_for_the_second)
    report = run_batch(folders.options(), engine=FillEngine(None))
    assert [(r.input.name, r.status) for r in report.files] == [
        (names[0], "restored"),
        (names[1], "failed"),
        (names[2], "restored"),
    ]
    assert "disk full" in (report.files[1].error or "")
    assert sorted(p.name for p in folders.output.iterdir()) == [names[0], names[2]]


def test_a_picture_that_cannot_be_read_ahead_fails_alone(folders: Folders) -> None:
    names = _inputs(folders, 3)
    (folders.input / names[1]).write_bytes(b"\x89PNG\r\n\x1a\n broken")
    report = run_batch(folders.options(), engine=FillEngine(None))
    assert [r.status for r in report.files] == ["restored", "failed", "restored"]


class _InterruptingEngine(FillEngine):
    """Ctrl-C (KeyboardInterrupt) in the middle of the ``at``-th call."""

    def __init__(self, at: int) -> None:
        super().__init__(None)
        self.at = at

    def restore_batch(self, patches: Sequence[EngineInput]) -> list[np.ndarray]:
        if len(self.batch_sizes) == self.at:
            raise KeyboardInterrupt
        return super().restore_batch(patches)


def test_ctrl_c_finishes_the_write_behind_and_reports_what_was_done(folders: Folders) -> None:
    names = _inputs(folders, 4)
    report = run_batch(folders.options(), engine=_InterruptingEngine(at=2))
    assert report.cancelled
    assert [(r.input.name, r.status) for r in report.files] == [
        (names[0], "restored"),
        (names[1], "restored"),
        (names[2], "cancelled"),
    ]
    assert sorted(p.name for p in folders.output.iterdir()) == names[:2]


def test_a_cancel_keeps_every_result_already_restored(folders: Folders) -> None:
    names = _inputs(folders, 5)
    cancel = CancelToken()
    engine = FillEngine(None)

    def on_result(result: object) -> None:
        cancel.cancel()

    report = run_batch(folders.options(), engine=engine, cancel=cancel, on_result=on_result)
    assert report.cancelled
    restored = [r.input.name for r in report.files if r.status == "restored"]
    # The first result arrives after the second picture's restoration (written behind).
    assert restored == names[: len(restored)] and 1 <= len(restored) <= 2
    assert sorted(p.name for p in folders.output.iterdir()) == restored


def test_a_model_that_cannot_load_stops_the_batch_before_anything_is_written(
    folders: Folders,
) -> None:
    _inputs(folders, 2)
    with pytest.raises(UsageError):
        run_batch(folders.options(model="no-such-model"))
    assert not folders.output.exists() or not any(folders.output.iterdir())
