"""``python -m qwen_spaces``: the same as the ``qwen-spaces`` command."""

import sys

from .cli import main

sys.exit(main())
