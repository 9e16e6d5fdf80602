"""Files in, results out: the one pipeline API that the command and the window both call.

- :mod:`~decensor_app.pipeline.core`: the in-memory core, picture + hole (+ mosaic original)
  -> restored picture (:func:`restore_image`).
- :mod:`~decensor_app.pipeline.grids`: each patch's mosaic grid, resolved once.
- :mod:`~decensor_app.pipeline.sources`: where a hole comes from (green paint, detection).
- :mod:`~decensor_app.pipeline.files`: discovery, pairing with originals, output names.
- :mod:`~decensor_app.pipeline.batch`: the batch loop (:func:`run_batch`), options, steps.
- :mod:`~decensor_app.pipeline.results`: progress events, per-file results, the JSON schema.
"""

from decensor_app.pipeline.batch import (
    VARIATION_COUNTS,
    BatchOptions,
    UsageError,
    check_options,
    run_batch,
)
from decensor_app.pipeline.core import Cancelled, CancelToken, restore_image, restore_variations
from decensor_app.pipeline.files import (
    ORIGINAL_EXTENSIONS,
    FileError,
    discover_inputs,
    find_original,
    output_paths,
)
from decensor_app.pipeline.grids import KnownGrid, mosaic_grid, patch_grids
from decensor_app.pipeline.results import (
    BatchReport,
    FileResult,
    Progress,
    ProgressCallback,
    Status,
)
from decensor_app.pipeline.sources import detected_mask

__all__ = [
    "ORIGINAL_EXTENSIONS",
    "VARIATION_COUNTS",
    "BatchOptions",
    "BatchReport",
    "CancelToken",
    "Cancelled",
    "FileError",
    "FileResult",
    "KnownGrid",
    "Progress",
    "ProgressCallback",
    "Status",
    "UsageError",
    "check_options",
    "detected_mask",
    "discover_inputs",
    "find_original",
    "mosaic_grid",
    "output_paths",
    "patch_grids",
    "restore_image",
    "restore_variations",
    "run_batch",
]
