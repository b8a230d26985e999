"""``python -m bedrock_customization ...``: the ``bedrock-customization`` command line."""

import sys

from .cli import main

sys.exit(main())
