"""The painting tool's document: a picture and the exact censor mask painted over it.

Qt-free, so that every edit is testable on arrays: brush and eraser strokes, rectangles and
polygons are rasterised without anti-aliasing (OpenCV's 8-connected lines), so the saved file
holds exactly (0, 255, 0) where painted and the picture's own pixels everywhere else. Each edit
returns an :class:`Edit` (the changed rectangle before and after) for undo and redo.

Every edit works on its dirty rectangle only (the shape's bounding box, clipped to the
picture): a brush segment on a 4000x3000 picture touches a few thousand pixels, not twelve
million (see ``benchmarks/bench_brush.py``).
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


class WouldReplaceOther(ValueError):
    """Saving would replace existing files that are not this document's (another picture of
    the same name, or an earlier mask of it from another session): allowed only when the user
    confirmed it (``replace_existing=True``)."""

    def __init__(self, paths: list[Path]) -> None:
        super().__init__("saving would replace " + ", ".join(str(p) for p in paths))
        self.paths = paths


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
        masked_count: how many pixels ``mask`` holds, kept up to date by every edit (counting
            the whole mask per mouse move would cost milliseconds on a large picture).
        saved: the files this document has written (resolved paths): saving again replaces
            them without asking.
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
        self.masked_count = int(np.count_nonzero(mask))
        self.saved: set[Path] = set()

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

    def _edit(
        self, bounds: tuple[int, int, int, int], draw: Callable[[np.ndarray, Point], object]
    ) -> Edit:
        """Apply ``draw(canvas, origin)`` on the dirty rectangle only and record the change.

        Args:
            bounds: (left, top, right, bottom), exclusive, in picture pixels: everything the
                shape can touch (it may reach outside the picture; it is clipped here).
            draw: draws into ``canvas`` (uint8 of the clipped rectangle, 1 = paint, 2 = erase),
                with the picture's point (x, y) at canvas (x - origin[0], y - origin[1]).
                Integer shifts do not change OpenCV's rasterisation, and a side of the
                rectangle is cut only at the picture's own border, so the result equals drawing
                on a full-picture canvas.
        """
        left, top = max(bounds[0], 0), max(bounds[1], 0)
        right, bottom = min(bounds[2], self.width), min(bounds[3], self.height)
        if right <= left or bottom <= top:
            return _empty_edit()
        canvas = np.zeros((bottom - top, right - left), np.uint8)
        draw(canvas, (left, top))
        ys, xs = np.nonzero(canvas)
        if ys.size == 0:
            return _empty_edit()
        y0, y1, x0, x1 = int(ys.min()), int(ys.max()) + 1, int(xs.min()), int(xs.max()) + 1
        region = canvas[y0:y1, x0:x1]
        top, left = top + y0, left + x0
        bottom, right = top + (y1 - y0), left + (x1 - x0)
        before = self.mask[top:bottom, left:right].copy()
        after = before.copy()
        after[region == 1] = True
        after[region == 2] = False
        after |= self.unknown[top:bottom, left:right]
        self.mask[top:bottom, left:right] = after
        self.masked_count += int(np.count_nonzero(after)) - int(np.count_nonzero(before))
        return Edit(left, top, before, after)

    def stroke(self, points: list[Point], size: int, erase: bool = False) -> Edit:
        """A round brush (or eraser) of diameter ``size`` along ``points`` (x, y)."""
        value = 2 if erase else 1
        radius = max(size // 2, 0)
        xs, ys = [int(x) for x, _ in points], [int(y) for _, y in points]
        # Thick lines and the round ends reach at most about size / 2 past the points.
        margin = max(size, 1) + 2
        bounds = (min(xs) - margin, min(ys) - margin, max(xs) + margin + 1, max(ys) + margin + 1)

        def draw(canvas: np.ndarray, origin: Point) -> None:
            shifted = [(x - origin[0], y - origin[1]) for x, y in zip(xs, ys, strict=True)]
            for x, y in shifted:
                cv2.circle(canvas, (x, y), radius, value, -1, cv2.LINE_8)
            if len(shifted) > 1:
                line = np.array(shifted, np.int32).reshape(-1, 1, 2)
                cv2.polylines(canvas, [line], False, value, max(size, 1), cv2.LINE_8)

        return self._edit(bounds, draw)

    def rectangle(self, corner: Point, opposite: Point, erase: bool = False) -> Edit:
        value = 2 if erase else 1
        (x0, y0), (x1, y1) = corner, opposite
        bounds = (min(x0, x1), min(y0, y1), max(x0, x1) + 1, max(y0, y1) + 1)

        def draw(canvas: np.ndarray, origin: Point) -> None:
            ox, oy = origin
            cv2.rectangle(canvas, (x0 - ox, y0 - oy), (x1 - ox, y1 - oy), value, -1, cv2.LINE_8)

        return self._edit(bounds, draw)

    def polygon(self, points: list[Point], erase: bool = False) -> Edit:
        """Fill the polygon (lasso) through ``points``."""
        value = 2 if erase else 1
        if len(points) < 3:
            return _empty_edit()
        outline = np.array(points, np.int32).reshape(-1, 1, 2)
        low, high = outline.min(axis=(0, 1)), outline.max(axis=(0, 1))
        bounds = (int(low[0]), int(low[1]), int(high[0]) + 1, int(high[1]) + 1)

        def draw(canvas: np.ndarray, origin: Point) -> None:
            shifted = outline - np.array(origin, np.int32)
            cv2.fillPoly(canvas, [shifted], value, cv2.LINE_8)

        return self._edit(bounds, draw)

    def set_mask(self, mask: np.ndarray) -> Edit:
        """Replace the whole mask (e.g. from a detector); one undoable edit."""
        before = self.mask.copy()
        self.mask = mask.astype(bool) | self.unknown
        self.masked_count = int(np.count_nonzero(self.mask))
        return Edit(0, 0, before, self.mask.copy())

    def undo(self, edit: Edit) -> None:
        self._put(edit, edit.before)

    def redo(self, edit: Edit) -> None:
        self._put(edit, edit.after)

    def _put(self, edit: Edit, values: np.ndarray) -> None:
        height, width = values.shape
        area = self.mask[edit.y : edit.y + height, edit.x : edit.x + width]
        self.masked_count += int(np.count_nonzero(values)) - int(np.count_nonzero(area))
        area[...] = values

    def greened(self) -> Picture:
        """The picture with the mask painted exactly (0, 255, 0) (alpha and bit depth kept)."""
        return paint_green(self.picture, self.mask)

    def save(
        self,
        input_dir: Path,
        original_dir: Path | None = None,
        name: str | None = None,
        replace_source: bool = False,
        replace_existing: bool = False,
    ) -> list[Path]:
        """Write ``<name>.png`` (greened) into ``input_dir`` and, for mosaic mode, the untouched
        picture as ``<name>.png`` into ``original_dir``.

        The opened file is replaced only with ``replace_source`` (the user confirmed it: a
        green input reopened from the input folder and repainted) or once this document has
        written it (confirmed before). Other existing files (not
        written by this document before) are replaced only with ``replace_existing``. The
        original file the picture was read from is never rewritten (it is unchanged), and the
        original is written before the greened file, so a failure never leaves the clean
        picture only under green.

        Returns:
            The files written (or, for an original already in place, kept).

        Raises:
            SourceWouldBeReplaced: the greened file is the opened file and ``replace_source``
                is False.
            WouldReplaceOther: a file to write exists, is neither the opened file, its
                original nor one this document wrote, and ``replace_existing`` is False.
            ValueError: mosaic mode, but the picture under the existing green is unknown (no
                clean original was found), so no original can be saved.
            PictureError: writing failed.
        """
        stem = name or (self.source.stem if self.source else "painted")
        greened_path = Path(input_dir) / f"{stem}.png"
        ours = greened_path.exists() and greened_path.resolve() in self.saved
        if not replace_source and not ours and _same_file(greened_path, self.source):
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
        others = [
            path
            for path in (greened_path, None if keep_original else original_path)
            if path is not None
            and path.exists()
            and not _same_file(path, self.source)
            and path.resolve() not in self.saved
        ]
        if others and not replace_existing:
            raise WouldReplaceOther(others)
        for folder in {greened_path.parent, *([original_path.parent] if original_path else [])}:
            folder.mkdir(parents=True, exist_ok=True)
        if original_path is not None and not keep_original:
            save_picture(original_path, self.picture)
            self.saved.add(original_path.resolve())
        save_picture(greened_path, self.greened())
        self.saved.add(greened_path.resolve())
        return [greened_path] if original_path is None else [greened_path, original_path]


def _empty_edit() -> Edit:
    """An edit that changed nothing (the shape missed the picture)."""
    return Edit(0, 0, np.zeros((0, 0), bool), np.zeros((0, 0), bool))


def _same_file(path: Path, other: Path | None) -> bool:
    return other is not None and path.exists() and path.resolve() == Path(other).resolve()
