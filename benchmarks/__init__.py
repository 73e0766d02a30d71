"""RocketWatch's reproducible performance scenarios, run with `uv run python -m benchmarks`.

Every scenario talks only to servers on 127.0.0.1 and compares against a baseline measured in the same run.
"""
