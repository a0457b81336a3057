import sys

from mlskills.cli import main

sys.exit(main())
