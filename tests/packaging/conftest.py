"""Fixtures for the packaging tests: the real desktop of the end-to-end tests (Xvfb, D-Bus, dunst, trayer).

The installed app is started by the test itself, from /usr/bin, instead of `python -m rocketwatch`.
"""

from e2e.conftest import desktop  # noqa: F401 (a fixture, found by pytest through this module)
