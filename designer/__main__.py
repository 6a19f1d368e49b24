"""`python -m designer` is the same as `account-designer`."""

import sys

from designer.cli import main

sys.exit(main())
