"""`python -m cemkit`: the logic lives in `cemkit.cli` so it can be called and tested from Python."""

import sys

from cemkit.cli import main

sys.exit(main(sys.argv[1:]))
