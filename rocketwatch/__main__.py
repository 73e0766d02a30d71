"""`python -m rocketwatch`: the same as the `rocketwatch` command."""

from rocketwatch.launch import entry

entry()
