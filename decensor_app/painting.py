"""The painting tool's document: a picture and the exact censor mask painted over it.

Qt-free, so that every edit is testable on arrays: brush and eraser strokes, rectangles and
polygons are rasterised without anti-aliasing (OpenCV's 8-connected lines), so the saved file
holds exactly (0, 255, 0) where painted and the picture's own pixels everywhere else. Each edit
returns an :class:`Edit` (the changed rectangle before and after) for undo and redo.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from decensor_app.imaging import Picture, load_picture, save_picture
from decensor_app.masks import green_mask, paint_green

Point = tuple[int, int]


@dataclass(frozen=True)
class Edit:
    """One undoable change: the mask inside ``(x, y, width, height)`` before and after."""

    x: int
    y: int
    before: np.ndarray
    after: np.ndarray

    @property
    def changed(self) -> bool:
        return not np.array_equal(self.before, self.after)


class MaskDocument:
    """A picture and its censor mask.

    Attributes:
        picture: the clean picture (HxWx3 or HxWx4, as loaded); never modified.
        mask: HxW bool, True = painted green.
        unknown: HxW bool, pixels whose clean content is not known (green in an opened greened
            file without its original): they cannot be erased.
        source: the file it came from.
    """

    def __init__(
        self,
        picture: Picture,
        mask: np.ndarray,
        source: Path | None = None,
        unknown: np.ndarray | None = None,
    ) -> None:
        self.picture = picture
        self.mask = mask
        self.source = source
        self.unknown = unknown if unknown is not None else np.zeros_like(mask)

    @classmethod
    def open(cls, path: Path, original: Path | None = None) -> MaskDocument:
        """Open a picture; green already painted in it becomes the starting mask.

        Args:
            path: any picture, e.g. a greened file from the input folder.
            original: the same picture without green (same size); without it, the content
                under existing green is unknown and cannot be erased back.

        Raises:
            PictureError: unreadable file. ValueError: the original's size differs.
        """
        painted = load_picture(path)
        mask = green_mask(painted.rgb8)
        if original is None:
            return cls(painted, mask, Path(path), unknown=mask.copy())
        clean = load_picture(original)
        if (clean.width, clean.height) != (painted.width, painted.height):
            raise ValueError(
                f"{original.name} is {clean.width}x{clean.height}, "
                f"{path.name} is {painted.width}x{painted.height}"
            )
        return cls(clean, mask, Path(path))

    @property
    def height(self) -> int:
        return self.picture.height

    @property
    def width(self) -> int:
        return self.picture.width

    def _edit(self, draw: Callable[[np.ndarray], object]) -> Edit:
        """Apply ``draw(canvas uint8)`` (1 = paint, 2 = erase) and record the change."""
        canvas = np.zeros(self.mask.shape, np.uint8)
        draw(canvas)
        ys, xs = np.nonzero(canvas)
        if ys.size == 0:
            return Edit(0, 0, np.zeros((0, 0), bool), np.zeros((0, 0), bool))
        top, bottom, left, right = ys.min(), ys.max() + 1, xs.min(), xs.max() + 1
        before = self.mask[top:bottom, left:right].copy()
        region = canvas[top:bottom, left:right]
        after = before.copy()
        after[region == 1] = True
        after[region == 2] = False
        after |= self.unknown[top:bottom, left:right]
        self.mask[top:bottom, left:right] = after
        return Edit(int(left), int(top), before, after)

    def stroke(self, points: list[Point], size: int, erase: bool = False) -> Edit:
        """A round brush (or eraser) of diameter ``size`` along ``points`` (x, y)."""
        value = 2 if erase else 1
        radius = max(size // 2, 0)

        def draw(canvas: np.ndarray) -> None:
            for x, y in points:
                cv2.circle(canvas, (int(x), int(y)), radius, value, -1, cv2.LINE_8)
            if len(points) > 1:
                line = np.array(points, np.int32).reshape(-1, 1, 2)
                cv2.polylines(canvas, [line], False, value, max(size, 1), cv2.LINE_8)

        return self._edit(draw)

    def rectangle(self, corner: Point, opposite: Point, erase: bool = False) -> Edit:
        value = 2 if erase else 1
        return self._edit(
            lambda canvas: cv2.rectangle(canvas, corner, opposite, value, -1, cv2.LINE_8)
        )

    def polygon(self, points: list[Point], erase: bool = False) -> Edit:
        """Fill the polygon (lasso) through ``points``."""
        value = 2 if erase else 1
        if len(points) < 3:
            return self._edit(lambda canvas: None)
        outline = np.array(points, np.int32).reshape(-1, 1, 2)
        return self._edit(lambda canvas: cv2.fillPoly(canvas, [outline], value, cv2.LINE_8))

    def set_mask(self, mask: np.ndarray) -> Edit:
        """Replace the whole mask (e.g. from a detector); one undoable edit."""
        before = self.mask.copy()
        self.mask = mask.astype(bool) | self.unknown
        return Edit(0, 0, before, self.mask.copy())

    def undo(self, edit: Edit) -> None:
        self._put(edit, edit.before)

    def redo(self, edit: Edit) -> None:
        self._put(edit, edit.after)

    def _put(self, edit: Edit, values: np.ndarray) -> None:
        height, width = values.shape
        self.mask[edit.y : edit.y + height, edit.x : edit.x + width] = values

    def greened(self) -> Picture:
        """The picture with the mask painted exactly (0, 255, 0) (alpha and bit depth kept)."""
        return paint_green(self.picture, self.mask)

    def save(
        self, input_dir: Path, original_dir: Path | None = None, name: str | None = None
    ) -> list[Path]:
        """Write ``<name>.png`` (greened) into ``input_dir`` and, for mosaic mode, the untouched
        picture as ``<name>.png`` into ``original_dir``. The source file is never written.

        Returns:
            The files written.
        """
        stem = name or (self.source.stem if self.source else "painted")
        targets = [Path(input_dir) / f"{stem}.png"]
        if original_dir is not None:
            targets.append(Path(original_dir) / f"{stem}.png")
        if self.source is not None and any(
            t.exists() and t.resolve() == self.source.resolve() for t in targets
        ):
            raise ValueError(
                f"saving would overwrite the opened file {self.source}; pick another name"
            )
        for folder in {t.parent for t in targets}:
            folder.mkdir(parents=True, exist_ok=True)
        save_picture(targets[0], self.greened())
        if original_dir is not None:
            save_picture(targets[1], self.picture)
        return targets
