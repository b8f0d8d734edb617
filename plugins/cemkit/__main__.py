"""`python -m cemkit`: the logic lives in `cemkit._internal.cli` so it can be called and tested from Python."""

import sys

from cemkit._internal.cli import main

sys.exit(main(sys.argv[1:]))
