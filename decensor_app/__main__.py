"""``python -m decensor_app`` runs the ``decensor`` command."""

import sys

from decensor_app.cli import main

sys.exit(main())
