import sys

from linkwork.cli import main

sys.exit(main())
