"""``decensor-gui``: the desktop window. TensorFlow is not imported before the window shows."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from decensor_app.folders import DEFAULT_INPUT_DIR
from decensor_app.gui.main_window import MainWindow

SAMPLE = Path(__file__).resolve().parents[2] / DEFAULT_INPUT_DIR / "sample.png"


def screenshot(window: MainWindow, target: Path) -> None:
    """Restore the shipped sample into a temporary folder, show it, and save the window."""
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        (work / "in").mkdir()
        (work / "in" / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
        window.folder_edits["input"].setText(str(work / "in"))
        window.folder_edits["output"].setText(str(work / "out"))
        loop = QEventLoop()
        window.batch_finished.connect(lambda _report: loop.quit())
        window.start()
        QTimer.singleShot(600_000, loop.quit)
        loop.exec()
        QApplication.processEvents()
        window.compare.fit()
        QApplication.processEvents()
        window.grab().save(str(target))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="decensor-gui", description="The decensor window.")
    parser.add_argument(
        "--screenshot", type=Path, default=None,
        help="render the window with a sample result to this PNG file and exit",
    )  # fmt: skip
    parser.add_argument("--models-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("decensor")
    settings = None
    if args.screenshot is not None:  # a neutral window: not the user's saved folders
        settings = QSettings(str(Path(tempfile.mkdtemp()) / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, models_dir=args.models_dir)
    window.show()
    if args.screenshot is not None:
        screenshot(window, args.screenshot)
        print(f"wrote {args.screenshot}")
        return 0
    QTimer.singleShot(0, lambda: print(f"window shown after {time.perf_counter() - started:.2f}s",
                                       file=sys.stderr))  # fmt: skip
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
