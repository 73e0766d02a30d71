"""PyInstaller runtime hook: programs RocketWatch starts (notify-send, xdg-open) get the user's environment.

The bootloader points LD_LIBRARY_PATH at the bundle; the dynamic loader has read it by the time this runs,
and a file manager or browser started from the app must load its own Qt and ICU, not the bundled ones.
"""

import os
import sys

if sys.platform not in ("win32", "darwin"):
    original = os.environ.pop("LD_LIBRARY_PATH_ORIG", None)
    if original is None:
        os.environ.pop("LD_LIBRARY_PATH", None)
    else:
        os.environ["LD_LIBRARY_PATH"] = original
