"""Where a picture's hole comes from: green paint (with the original for mosaics), or
detected mosaics. One small strategy object per source, chosen once per batch."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from decensor_app.engines import CensorType
from decensor_app.imaging import INPUT_FORMATS, Picture
from decensor_app.masks import GreenLeft, exact_green, green_mask_and_left, near_green_count
from decensor_app.pipeline.files import FileError, find_original, load
from decensor_app.pipeline.grids import KnownGrid


@dataclass
class MaskedPicture:
    """A picture ready to restore.

    Attributes:
        base: what is restored and written: the input (bars), or the picture with the mosaic.
        hole: HxW bool, True = hole.
        known_grids: detected mosaics' (HxW bool mask, grid), for the grid resolver.
        detections: JSON records of the detected mosaics (auto-mask), else None.
        warning: what the user should check in the result (green left outside the hole).
    """

    base: Picture
    hole: np.ndarray
    known_grids: Sequence[KnownGrid] = ()
    detections: list[dict[str, object]] | None = field(default=None)
    warning: str | None = None


class MaskSource(Protocol):
    """Finds the hole of one input file."""

    def masked(self, input_path: Path, max_pixels: int | None) -> MaskedPicture:
        """The input's picture and hole.

        Raises:
            FileError: the reason this file cannot be restored.
        """
        ...


@dataclass(frozen=True)
class GreenPaint:
    """Pure green paint marks the hole; in mosaic mode the original (same base name, in
    ``original_dir``) holds the mosaic and is what is restored.

    The hole is :func:`~decensor_app.masks.green_mask` of the input, the mask the painter
    shows. Green-looking regions left outside it (:func:`~decensor_app.masks.green_left`) fail
    the file, or with ``near_green`` off are kept, with a warning: never a plain "restored"
    with green left.

    Attributes:
        censor: "bar" or "mosaic".
        original_dir: the originals folder (mosaic mode).
        strict: exact (0,255,0) only, no anti-aliased fringe, no near-green regions.
        near_green: take the regions JPEG or colour management shifted off pure green.
    """

    censor: CensorType
    original_dir: Path
    strict: bool = False
    near_green: bool = True

    def masked(self, input_path: Path, max_pixels: int | None) -> MaskedPicture:
        picture = load(input_path, max_pixels, INPUT_FORMATS)
        base = picture
        if self.censor == "mosaic":
            original_path = find_original(input_path, self.original_dir)
            try:
                base = load(original_path, max_pixels)
            except FileError as error:
                raise FileError(f"its original {original_path} cannot be used: {error}") from error
            if (base.width, base.height) != (picture.width, picture.height):
                message = (
                    f"size mismatch: the input is {picture.width}x{picture.height} but its "
                    f"original {original_path.name} is {base.width}x{base.height}"
                )
                if (base.width, base.height) == (picture.height, picture.width):
                    message += (
                        "; the sizes differ only by a rotation: one of them is turned by 90 "
                        "degrees (check how each was exported or rotated)"
                    )
                raise FileError(message)
        hole, left = green_mask_and_left(
            picture.rgb, include_fringe=not self.strict, near_green=self.near_green
        )
        del picture  # the base (or the input itself) is all that is needed from here
        if not hole.any():
            raise FileError(no_green_message(base.rgb, self.censor, self.near_green))
        if self.censor == "mosaic":
            painted = int(np.count_nonzero(exact_green(base.rgb)[hole]))
            if painted:
                raise FileError(
                    f"its original {original_path} has green paint too ({painted:,} pixels "
                    "where the input is green): the original must be the picture with the "
                    "mosaic and without paint"
                )
        if self.censor == "bar" and hole.all():
            raise FileError(
                "the whole picture is green: a bar restoration needs some of the picture to "
                "work from"
            )
        warning = None
        if left is not None:
            message = green_left_message(left, self.strict, self.near_green)
            if self.near_green:
                raise FileError(message)
            warning = message  # near-green detection off: that green is the picture's
        return MaskedPicture(base, hole, warning=warning)


class DetectedMosaics:
    """Mosaic mode without paint: the detected mosaics are the hole, the picture its own
    original, and each detection's grid is known to the resolver."""

    def masked(self, input_path: Path, max_pixels: int | None) -> MaskedPicture:
        picture = load(input_path, max_pixels)
        hole, detections, known_grids = detected_mask(picture.rgb8)
        return MaskedPicture(picture, hole, known_grids, detections)


def detected_mask(
    rgb: np.ndarray,
) -> tuple[np.ndarray, list[dict[str, object]], list[KnownGrid]]:
    """Mosaics found in ``rgb`` (HxWx3 uint8): (HxW bool mask, per-region JSON records,
    per-region (mask, grid)).

    Raises:
        FileError: no mosaic found.
    """
    from decensor_app.detect import detect_mosaics, detection_mask

    regions = detect_mosaics(rgb)
    if not regions:
        raise FileError(
            "no mosaic found: paint it green instead (or check that its blocks are visible)"
        )
    return (
        detection_mask(regions, rgb.shape[:2]),
        [region.to_json() for region in regions],
        [(region.mask, region.grid) for region in regions],
    )


def green_left_message(left: GreenLeft, strict: bool, near_green: bool) -> str:
    """Green left outside the mask, and what to do: the reason a file fails, or with
    ``near_green`` off the warning it is restored with."""
    if not near_green:
        return f"{left.describe()}; they are kept green as asked (near-green detection is off)"
    if strict:
        advice = (
            "exact green only was asked (--strict-green); without it the regions that JPEG or "
            "colour management shifted off pure green are restored too"
        )
    else:
        advice = (
            "if it is censored, paint it pure green (0,255,0) and export as PNG; if it is part "
            "of the picture, turn near-green detection off (--no-near-green) to restore the "
            "rest and keep it"
        )
    return f"{left.describe()}, and the result would keep them green: {advice}"


def no_green_message(rgb: np.ndarray, censor: CensorType, near_green: bool = True) -> str:
    """Why a picture without green cannot be restored, and what to do."""
    message = "no green (0,255,0) pixels found: paint the censored areas pure green"
    near = near_green_count(rgb)
    if near:
        message += (
            f"; {near:,} pixels are nearly green, which suggests the green was changed by "
            "colour management or JPEG compression: export as PNG without a colour profile"
        )
        if not near_green:
            message += " (or turn near-green detection on)"
    if censor == "mosaic":
        message += (
            "; in mosaic mode the input is a copy with the mosaic painted green and the "
            "original (with the mosaic, no green) goes into the originals folder"
        )
    return message
