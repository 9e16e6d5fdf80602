"""``python -m decensor_app.trainer`` runs ``decensor-train``."""

import sys

from decensor_app.trainer.cli import main

sys.exit(main())
