"""RocketWatch: watch upcoming rocket launches from Launch Library 2 and get told about them.

The core (everything outside ``rocketwatch.ui``) runs headless and never imports Qt.
"""

from rocketwatch.version import VERSION as __version__  # pyproject.toml's, read once

APP_NAME = "RocketWatch"
APP_ID = "rocketwatch"
USER_AGENT = f"RocketWatch/{__version__} (+https://github.com/rocketwatch/rocketwatch)"
