"""What a batch reports: progress events, per-file results and the ``--json`` schema."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

Status = Literal["restored", "detected", "skipped", "failed", "cancelled"]


@dataclass(frozen=True)
class Progress:
    """A progress event. Indices are 0-based counts of work *done*.

    ``files_done`` of ``file_count`` files are finished; in the current file, ``regions_done``
    of ``region_count`` regions are restored (for all variations at once).
    """

    files_done: int
    file_count: int
    file: Path
    regions_done: int = 0
    region_count: int = 0


ProgressCallback = Callable[[Progress], None]


@dataclass
class FileResult:
    """The outcome for one input file."""

    input: Path
    status: Status
    outputs: list[Path] = field(default_factory=list)
    error: str | None = None
    regions: int = 0
    seconds: float = 0.0
    detections: list[dict[str, object]] | None = None  # auto-mask: the mosaics found
    #: Restored, but something needs the user's eye: green left in the result
    #: (``near_green=False``). The window and the command show it with the status.
    warning: str | None = None

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "input": str(self.input),
            "status": self.status,
            "output": str(self.outputs[0]) if self.outputs else None,
            "outputs": [str(path) for path in self.outputs],
            "error": self.error,
            # --detect-only lists the mosaics found; a restoration counts its regions.
            "regions": self.detections if self.status == "detected" else self.regions,
            "seconds": round(self.seconds, 3),
            "warning": self.warning,
        }
        if self.detections is not None and self.status != "detected":
            data["detections"] = self.detections
        return data


@dataclass
class BatchReport:
    """All per-file results of a batch, in input order."""

    files: list[FileResult] = field(default_factory=list)
    model: str = ""
    cancelled: bool = False

    @property
    def warnings(self) -> int:
        """How many files were done with a warning."""
        return sum(1 for result in self.files if result.warning is not None)

    def count(self, status: Status) -> int:
        return sum(1 for result in self.files if result.status == status)

    @property
    def ok(self) -> bool:
        return self.count("failed") == 0 and not self.cancelled

    def to_json(self) -> dict[str, object]:
        return {
            "files": [result.to_json() for result in self.files],
            "restored": self.count("restored"),
            "detected": self.count("detected"),
            "skipped": self.count("skipped"),
            "failed": self.count("failed"),
            "warnings": self.warnings,
            "cancelled": self.cancelled,
            "model": self.model,
        }
