import sys

from license_gate.cli import main

sys.exit(main())
