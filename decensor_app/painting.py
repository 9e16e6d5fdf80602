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


class SourceWouldBeReplaced(ValueError):
    """Saving would replace the opened file (a green input reopened from the input folder):
    allowed only when the user confirmed it (``replace_source=True``)."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"saving would replace the opened file {path}")
        self.path = path


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
        original_source: the clean original ``picture`` was read from (a greened file opened
            with its original), else None.
    """

    def __init__(
        self,
        picture: Picture,
        mask: np.ndarray,
        source: Path | None = None,
        unknown: np.ndarray | None = None,
        original_source: Path | None = None,
    ) -> None:
        self.picture = picture
        self.mask = mask
        self.source = source
        self.original_source = original_source
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
        mask = green_mask(painted.rgb)  # 16-bit: exact in 16 bits
        if original is None:
            return cls(painted, mask, Path(path), unknown=mask.copy())
        clean = load_picture(original)
        if (clean.width, clean.height) != (painted.width, painted.height):
            raise ValueError(
                f"{original.name} is {clean.width}x{clean.height}, "
                f"{path.name} is {painted.width}x{painted.height}"
            )
        return cls(clean, mask, Path(path), original_source=Path(original))

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
        self,
        input_dir: Path,
        original_dir: Path | None = None,
        name: str | None = None,
        replace_source: bool = False,
    ) -> list[Path]:
        """Write ``<name>.png`` (greened) into ``input_dir`` and, for mosaic mode, the untouched
        picture as ``<name>.png`` into ``original_dir``.

        The opened file is replaced only with ``replace_source`` (the user confirmed it: a
        green input reopened from the input folder and repainted). The original file the
        picture was read from is never rewritten (it is unchanged), and the original is
        written before the greened file, so a failure never leaves the clean picture only
        under green.

        Returns:
            The files written (or, for an original already in place, kept).

        Raises:
            SourceWouldBeReplaced: the greened file is the opened file and ``replace_source``
                is False.
            ValueError: mosaic mode, but the picture under the existing green is unknown (no
                clean original was found), so no original can be saved.
            PictureError: writing failed.
        """
        stem = name or (self.source.stem if self.source else "painted")
        greened_path = Path(input_dir) / f"{stem}.png"
        if not replace_source and _same_file(greened_path, self.source):
            raise SourceWouldBeReplaced(greened_path)
        original_path = Path(original_dir) / f"{stem}.png" if original_dir is not None else None
        keep_original = original_path is not None and (
            _same_file(original_path, self.original_source)
            or (_same_file(original_path, self.source) and not self.unknown.any())
        )
        if original_path is not None and not keep_original and self.unknown.any():
            raise ValueError(
                f"no clean original of {stem} was found in {original_dir}, so the picture "
                "under its green is unknown and no original can be saved: put the original "
                "(the picture with the mosaic, without green) there first"
            )
        for folder in {greened_path.parent, *([original_path.parent] if original_path else [])}:
            folder.mkdir(parents=True, exist_ok=True)
        if original_path is not None and not keep_original:
            save_picture(original_path, self.picture)
        save_picture(greened_path, self.greened())
        return [greened_path] if original_path is None else [greened_path, original_path]


def _same_file(path: Path, other: Path | None) -> bool:
    return other is not None and path.exists() and path.resolve() == Path(other).resolve()
