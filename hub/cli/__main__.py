"""`python -m hub.cli`: the `kiosk-hub` command, also where no entry point is installed."""

import sys

from hub.cli import main

sys.exit(main())
