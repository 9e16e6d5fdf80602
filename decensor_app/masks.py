"""Finding the censor mask: exact green, its anti-aliased fringe, and connected regions."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from decensor_app.imaging import Picture, from_uint8

#: The censor colour users paint (DeepCreamPy's contract), RGB.
GREEN: tuple[int, int, int] = (0, 255, 0)

# Fringe acceptance. A fringe pixel is c = n + alpha * (GREEN - n) for a non-green neighbour n.
#: Smallest green share taken in. Lower values also catch natural edges that drift slightly
#: towards green (1.2% of the pixels around hard-edged boxes at 0.08, none at 0.15, measured on
#: 80 blurred synthetic scenes); a blend under 15% leaves only a faint tint.
FRINGE_MIN_ALPHA = 0.15
#: Largest distance (0-255 units, Euclidean in RGB) from the blend line still called a blend;
#: leaves room for 8-bit rounding and the neighbour not being exactly the blended colour.
FRINGE_MAX_RESIDUAL = 8.0
#: Anti-aliased brushes and resampling leave at most a few pixels of blend.
FRINGE_MAX_WIDTH = 3
#: A ring pixel this close to pure green (Euclidean, 0-255 units) is taken whatever its
#: neighbours: only a mostly-green blend gets there, and where the brush edge crossed an edge of
#: the picture no neighbour shows the colour that was blended with.
FRINGE_NEAR_GREEN_DISTANCE = 64.0

# Near-green regions: green that was pure before JPEG compression or a colour-managed export.
# Measured on a 90x80 bar over scene() pictures (6 seeds), JPEG quality 60/75/90/95 with 4:2:0
# and 4:4:4 chroma (tests/test_masks.py repeats the q90 case):
#: Side of the square whose mean colour is compared with pure green. JPEG noise inside a bar
#: reaches 58 from green per pixel at q60; the 5x5 mean of the bar's inside stays within 2.2
#: (median) of pure green. Edges mix with what is around them: NEAR_GROW_STEPS and the fringe
#: rule take them.
NEAR_WINDOW = 5
#: Largest distance (Euclidean, 0-255 units) of a region's local mean colour from pure green.
#: A pure-green bar after JPEG: median 1.0-2.2; a shifted export like (2,250,8) (distance 9.6):
#: 10.2-10.8 after JPEG. Art of (10,250,10) (distance 15) is kept out.
NEAR_GREEN_DISTANCE = 13.0
#: In a picture with no region within NEAR_GREEN_DISTANCE, a colour-managed export shifted the
#: paint further: sRGB green through a display profile 2% / 5% of the way to Display P3 becomes
#: (16,255,6) / (30,255,15), distances 17 / 34 (36.1 median after JPEG q60); a full sRGB to
#: Display P3 conversion gives (117,251,76), 140 away: as far as art greens, never taken.
NEAR_SHIFTED_DISTANCE = 36.0
#: Solid pixels (kept by a 3x3 erosion) a near-green region needs, unless it holds exact green:
#: an 8x8 JPEG block; eyes, highlights and thin green lines of the art are smaller.
NEAR_MIN_AREA = 64
#: A picture whose exact green keeps this many pixels after a 3x3 erosion (a 5x5 block) has
#: unshifted paint, and NEAR_SHIFTED_DISTANCE is not used. Shifted exports after JPEG q60-100
#: keep at most 4 such pixels ((2,250,8): 3, (5,250,5): 4, (16,255,6): 1).
NEAR_CLEAN_PAINT = 9
#: Pixels a near-green region reaches out from where its local mean is within
#: NEAR_GREEN_DISTANCE, through pixels whose local mean is within NEAR_SHIFTED_DISTANCE: the
#: 5x5 mean loses 2 px at an edge, JPEG q60 up to 4 on a shifted bar.
NEAR_GROW_STEPS = 3
#: The fringe of a near-green region is JPEG-smeared: its blends lie up to this far from the
#: blend line (FRINGE_MAX_RESIDUAL is 8 for clean PNGs) ...
NEAR_FRINGE_RESIDUAL = 24.0
#: ... and ring pixels this close to pure green are taken (64 for clean PNGs). Measured on the
#: bars above: of 7,200 bar pixels at most 61 / 71 / 151 (pure / (2,250,8) / (16,255,6)) stay
#: out, all on the bar's outermost pixel row, half-mixed with what is around it; 64 and 8
#: left 109 / 105 / 177, 96 and 24 left 41 / 43 / 59 but came within reach of a leaf of
#: (40,200,60) (91 away) touching the bar.
NEAR_FRINGE_DISTANCE = 80.0
#: :func:`green_left`: local mean colour this close to pure green, outside the mask, is
#: reported. Looser than NEAR_GREEN_DISTANCE; a leaf of (40,200,60) is 91 away.
GREEN_LEFT_DISTANCE = 40.0

_NEIGHBOUR_OFFSETS = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]


def exact_green(rgb: np.ndarray) -> np.ndarray:
    """HxW bool, True where ``rgb`` (HxWx3 RGB, uint8 or uint16) is exactly green: (0, 255, 0)
    in 8 bits, (0, 65535, 0) in 16 bits. 16-bit pictures are compared on their own values,
    never on a rounded 8-bit view (where anything within 128/65535 of green would count)."""
    full = np.iinfo(rgb.dtype).max
    return (rgb[..., 1] == full) & (rgb[..., 0] == 0) & (rgb[..., 2] == 0)


def _in_8bit_units(rgb: np.ndarray) -> np.ndarray:
    """float32 HxWx3 in 0-255 units, from uint8 or uint16 (no rounding of 16-bit values)."""
    scale = 255.0 / np.iinfo(rgb.dtype).max
    return rgb.astype(np.float32) * np.float32(scale)


def green_mask(rgb: np.ndarray, include_fringe: bool = True, near_green: bool = True) -> np.ndarray:
    """The censor mask of a green-painted picture: the mask the batch restores with the same
    options (the painter counts it by calling this with the defaults).

    Args:
        rgb: HxWx3 RGB, uint8 or uint16 (pass a 16-bit picture's own values,
            :attr:`Picture.rgb`, not its rounded 8-bit view). Fringe and near-green thresholds
            are in 0-255 units at either depth.
        include_fringe: also take in the anti-aliased fringe: pixels touching an exact-green
            region (up to :data:`FRINGE_MAX_WIDTH` pixels out) whose colour is a blend of green
            with a non-green neighbour, or is nearly pure green. False (``--strict-green``):
            exact green only, and no near-green regions either.
        near_green: with ``include_fringe``, also take the regions that were pure green before
            JPEG compression or a colour-managed export shifted them
            (:func:`near_green_regions`), with their fringe. Green art is never taken: it is
            farther from pure green, or small.

    Returns:
        HxW bool, True = hole.
    """
    return _censor_mask(rgb, _Measures(rgb), include_fringe, near_green)


def green_mask_and_left(
    rgb: np.ndarray, include_fringe: bool = True, near_green: bool = True
) -> tuple[np.ndarray, GreenLeft | None]:
    """:func:`green_mask` and :func:`green_left` of it, for the batch: the picture's 0-255
    values and local mean distances from green are computed once for both."""
    measures = _Measures(rgb)
    mask = _censor_mask(rgb, measures, include_fringe, near_green)
    return mask, _green_left(measures, mask)


class _Measures:
    """Each pixel's local mean distance from pure green (:func:`_local_green_distance`) of
    ``rgb``, computed on first use and then kept. The picture in 0-255 units is never made
    whole (3 float32 copies of it, 768 MB at 8000x8000): the rules below convert only the
    pixels they look at."""

    def __init__(self, rgb: np.ndarray) -> None:
        self.rgb = rgb
        self._local: np.ndarray | None = None

    @property
    def local(self) -> np.ndarray:
        if self._local is None:
            self._local = _local_green_distance(self.rgb)
        return self._local


def _censor_mask(
    rgb: np.ndarray, measures: _Measures, include_fringe: bool, near_green: bool
) -> np.ndarray:
    """:func:`green_mask`, on ``measures`` of ``rgb``."""
    mask = exact_green(rgb)
    if not include_fringe:
        return mask
    if mask.any():
        mask = _grow_fringe(rgb, mask)
    if near_green:
        cores, near = _near_green(rgb, measures.local)
        # Only where a core adds something: in a clean PNG the cores lie inside exact green
        # plus fringe, and its mask stays bit-identical to that.
        if (cores & ~mask).any():
            mask = _grow_fringe(rgb, mask | near, NEAR_FRINGE_RESIDUAL, NEAR_FRINGE_DISTANCE)
    return mask


def _grow_fringe(
    rgb: np.ndarray,
    mask: np.ndarray,
    max_residual: float = FRINGE_MAX_RESIDUAL,
    near_distance: float = FRINGE_NEAR_GREEN_DISTANCE,
) -> np.ndarray:
    """``mask`` (HxW bool, not modified) grown by the fringe rule of :func:`green_mask`, up to
    :data:`FRINGE_MAX_WIDTH` rings out; ``rgb`` is the picture (HxWx3, uint8 or uint16);
    ``max_residual`` is the largest distance from the blend line still called a blend, and a
    ring pixel within ``near_distance`` of pure green is taken whatever its neighbours."""
    mask = mask.copy()
    height, width = mask.shape
    green = np.array(GREEN, np.float32)
    kernel = np.ones((3, 3), np.uint8)
    for _ in range(FRINGE_MAX_WIDTH):
        ring = cv2.dilate(mask.view(np.uint8), kernel).view(bool) & ~mask
        ys, xs = np.nonzero(ring)
        if ys.size == 0:
            break
        colour = _in_8bit_units(rgb[ys, xs])
        to_green = colour - green
        accepted = np.einsum("ij,ij->i", to_green, to_green) <= near_distance**2
        for dy, dx in _NEIGHBOUR_OFFSETS:
            ny, nx = ys + dy, xs + dx
            inside = (ny >= 0) & (ny < height) & (nx >= 0) & (nx < width)
            ny, nx = np.clip(ny, 0, height - 1), np.clip(nx, 0, width - 1)
            usable = inside & ~mask[ny, nx]
            neighbour = _in_8bit_units(rgb[ny, nx])
            towards_green = green - neighbour
            length2 = np.einsum("ij,ij->i", towards_green, towards_green)
            offset = colour - neighbour
            alpha = np.einsum("ij,ij->i", offset, towards_green) / np.maximum(length2, 1.0)
            residual = offset - alpha[:, None] * towards_green
            distance = np.sqrt(np.einsum("ij,ij->i", residual, residual))
            accepted |= (
                usable
                & (length2 > 0)
                & (alpha >= FRINGE_MIN_ALPHA)
                & (alpha <= 1.0)
                & (distance <= max_residual)
            )
        if not accepted.any():
            break
        mask[ys[accepted], xs[accepted]] = True
    return mask


#: Rows of the picture :func:`_local_green_distance` converts and blurs at a time: its
#: temporaries stay a few MB whatever the picture's height.
_LOCAL_BAND_ROWS = 256


def _local_green_distance(rgb: np.ndarray) -> np.ndarray:
    """HxW float32: Euclidean distance (0-255 units) from pure green of each pixel's
    :data:`NEAR_WINDOW`-square mean colour, from ``rgb`` (HxWx3 RGB, uint8 or uint16). JPEG
    noise averages out in it; a region's edge mixes with what is around it, so only the inside
    of a flat green area comes out close.

    Computed in bands of rows, each with the rows its windows reach beyond it, so that the
    float32 copies are of a band and not of the picture; at the picture's top and bottom the
    border is replicated as for the whole picture.
    """
    height = rgb.shape[0]
    halo = NEAR_WINDOW // 2
    green = np.array(GREEN, np.float32)
    distance = np.empty(rgb.shape[:2], np.float32)
    for top in range(0, height, _LOCAL_BAND_ROWS):
        bottom = min(top + _LOCAL_BAND_ROWS, height)
        first, last = max(top - halo, 0), min(bottom + halo, height)
        band = _in_8bit_units(rgb[first:last])
        # Replicating the band's own edge rows is right only at the picture's edges; elsewhere
        # the halo rows are real, and the rows they would distort are cut off below.
        local = cv2.blur(band, (NEAR_WINDOW, NEAR_WINDOW), borderType=cv2.BORDER_REPLICATE)
        local = local[top - first : top - first + bottom - top] - green
        distance[top:bottom] = np.sqrt(np.einsum("ijk,ijk->ij", local, local))
    return distance


def _solid_regions(candidate: np.ndarray, min_area: int) -> tuple[np.ndarray, np.ndarray]:
    """Connected components (8-connectivity) of ``candidate`` (HxW bool) with at least
    ``min_area`` pixels that survive a 3x3 erosion (thin lines and specks do not count).

    Returns:
        (labels HxW int32, bool per label: the component is solid; label 0 is background).
    """
    count, labels = cv2.connectedComponents(
        candidate.view(np.uint8), connectivity=8, ltype=cv2.CV_32S
    )
    inner = cv2.erode(candidate.view(np.uint8), np.ones((3, 3), np.uint8)).view(bool)
    solid = np.bincount(labels[inner], minlength=count) >= min_area
    solid[0] = False
    return labels, solid


def near_green_regions(rgb: np.ndarray) -> np.ndarray:
    """HxW bool: the regions that were painted pure green before JPEG compression or a
    colour-managed export shifted them, without their edge (:func:`green_mask` adds it).

    A region is a connected area whose local mean colour (:func:`_local_green_distance`) is
    within :data:`NEAR_GREEN_DISTANCE` of pure green and that is large (:data:`NEAR_MIN_AREA`
    solid pixels) or holds exact green. In a picture with no such large region, a
    colour-managed export may have shifted all the paint further: large regions within
    :data:`NEAR_SHIFTED_DISTANCE` are taken too, unless exact paint that no export shifted is
    there (:func:`_has_clean_paint`; then the paint is pure and near green is the art's).
    Each region reaches out :data:`NEAR_GROW_STEPS` pixels towards its edge. Green that
    belongs to the art is farther from pure green (a leaf of (40,200,60) is 91 away) or small.

    Args:
        rgb: HxWx3 RGB, uint8 or uint16.
    """
    return _near_green(rgb, _local_green_distance(rgb))[1]


def _near_green(rgb: np.ndarray, local: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(cores, regions) of :func:`near_green_regions`, both HxW bool: the cores are where the
    local mean (``local``, :func:`_local_green_distance`) is close enough to take a region,
    the regions reach out to their edges."""
    labels, solid = _solid_regions(local <= NEAR_GREEN_DISTANCE, NEAR_MIN_AREA)
    exact = exact_green(rgb)
    taken = solid.copy()
    taken[np.unique(labels[exact])] = True
    taken[0] = False
    regions = taken[labels]
    loose = local <= NEAR_SHIFTED_DISTANCE
    if not solid.any() and not _has_clean_paint(exact):
        labels, shifted = _solid_regions(loose, NEAR_MIN_AREA)
        regions |= shifted[labels]
    cores = regions.copy()
    # The window's mean mixes a region's edge with what is around it, and JPEG noise is
    # largest there: reach out to the edge through what is still close, a few pixels at most.
    kernel = np.ones((3, 3), np.uint8)
    for _ in range(NEAR_GROW_STEPS):
        regions |= cv2.dilate(regions.view(np.uint8), kernel).view(bool) & loose
    return cores, regions


def _has_clean_paint(exact: np.ndarray) -> bool:
    """Whether ``exact`` (HxW bool, exact green) holds paint that no export shifted: at least
    :data:`NEAR_CLEAN_PAINT` pixels that survive a 3x3 erosion. Then the paint colour is pure
    green, and regions merely near it belong to the art."""
    inner = cv2.erode(exact.view(np.uint8), np.ones((3, 3), np.uint8))
    return int(np.count_nonzero(inner)) >= NEAR_CLEAN_PAINT


@dataclass(frozen=True)
class GreenLeft:
    """Green-looking pixels outside a mask, big enough to be a censor that was missed.

    Attributes:
        pixels: how many.
        x, y, width, height: bounding box of the largest such region.
        colour: its median colour, RGB in 0-255 units.
    """

    pixels: int
    x: int
    y: int
    width: int
    height: int
    colour: tuple[int, int, int]

    def describe(self) -> str:
        return (
            f"{self.pixels:,} nearly green pixels are left outside the mask (largest area "
            f"{self.width}x{self.height} at x={self.x}, y={self.y}, colour {self.colour})"
        )


def green_left(rgb: np.ndarray, mask: np.ndarray) -> GreenLeft | None:
    """What of ``rgb`` (HxWx3, uint8 or uint16) still looks like censor green outside ``mask``
    (HxW bool): solid regions (:data:`NEAR_MIN_AREA`) whose local mean colour is within
    :data:`GREEN_LEFT_DISTANCE` of pure green. None when there are none.

    Looser than :func:`near_green_regions` on purpose: what lies between the two is too
    unsure to be restored or to be left green silently.
    """
    return _green_left(_Measures(rgb), mask)


def _green_left(measures: _Measures, mask: np.ndarray) -> GreenLeft | None:
    """:func:`green_left`, on ``measures`` of the picture."""
    labels, solid = _solid_regions((measures.local <= GREEN_LEFT_DISTANCE) & ~mask, NEAR_MIN_AREA)
    if not solid.any():
        return None
    left = solid[labels]
    areas = np.bincount(labels[left], minlength=solid.size)
    largest = labels == int(np.argmax(areas))
    ys, xs = np.nonzero(largest)
    median = np.rint(np.median(_in_8bit_units(measures.rgb[largest]), axis=0)).astype(int)
    return GreenLeft(
        int(np.count_nonzero(left)),
        int(xs.min()),
        int(ys.min()),
        int(xs.max() - xs.min() + 1),
        int(ys.max() - ys.min() + 1),
        (int(median[0]), int(median[1]), int(median[2])),
    )


def paint_green(picture: Picture, mask: np.ndarray) -> Picture:
    """A copy of ``picture`` with ``mask`` (HxW bool) painted exactly green, in the picture's
    own bit depth; alpha and ICC profile kept."""
    pixels = picture.pixels.copy()
    pixels[mask, :3] = from_uint8(np.array(GREEN, np.uint8), pixels.dtype)
    return Picture(pixels, picture.source_mode, picture.icc_profile)


def near_green_count(rgb: np.ndarray, tolerance: int = 24) -> int:
    """How many pixels are within ``tolerance`` of green per channel but not exactly green.

    Used to explain a "no green found" error: colour-managed exports shift pure green.
    ``rgb`` is HxWx3, uint8 or uint16; ``tolerance`` is in 0-255 units.
    """
    limit = tolerance * np.iinfo(rgb.dtype).max // 255
    top = np.iinfo(rgb.dtype).max - limit
    near = (rgb[..., 0] <= limit) & (rgb[..., 1] >= top) & (rgb[..., 2] <= limit)
    return int(np.count_nonzero(near & ~exact_green(rgb)))


@dataclass(frozen=True)
class Region:
    """One connected censored region.

    Attributes:
        label: its label in the label image of :func:`find_regions`.
        x, y, width, height: bounding box in pixels.
        area: number of hole pixels.
    """

    label: int
    x: int
    y: int
    width: int
    height: int
    area: int


def find_regions(mask: np.ndarray) -> tuple[np.ndarray, list[Region]]:
    """Connected components (8-connectivity) of ``mask``.

    Args:
        mask: HxW bool, True = hole.

    Returns:
        (labels HxW int32 with 0 = background, regions sorted by area, largest first).
    """
    count, labels, stats, _ = cv2.connectedComponentsWithStats(
        mask.view(np.uint8), connectivity=8, ltype=cv2.CV_32S
    )
    regions = [
        Region(
            label,
            int(stats[label, cv2.CC_STAT_LEFT]),
            int(stats[label, cv2.CC_STAT_TOP]),
            int(stats[label, cv2.CC_STAT_WIDTH]),
            int(stats[label, cv2.CC_STAT_HEIGHT]),
            int(stats[label, cv2.CC_STAT_AREA]),
        )
        for label in range(1, count)
    ]
    regions.sort(key=lambda region: (-region.area, region.label))
    return labels, regions
