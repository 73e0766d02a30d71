"""`python -m rocketwatch`: the same as the `rocketwatch` command."""

from rocketwatch.cli import entry

entry()
