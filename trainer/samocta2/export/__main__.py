"""`python -m samocta2.export ...` is `python -m samocta2 export ...`."""

import sys

from ..cli import main

sys.exit(main(["export", *sys.argv[1:]]))
