"""Run the LL2 stand-in from a shell: `python -m rocketwatch.standin [--demo | --fixture FILE]`.

Prints the api_url as the first line on stdout, then serves until SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType

from rocketwatch.standin.data import load_fixture_records
from rocketwatch.standin.server import StandIn


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m rocketwatch.standin",
        description="Serve a stand-in for the Launch Library 2 API on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, default=0, help="port to bind (default: any free one)")
    parser.add_argument("--version", default="2.3.0", help="LL2 API version to mimic")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--fixture", help="serve the launches in this LL2 JSON file")
    source.add_argument("--demo", action="store_true", help="serve the bundled demo launches (the default)")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added to each request")
    return parser.parse_args(argv)


def build_standin(args: argparse.Namespace) -> StandIn:
    if args.fixture:
        records = load_fixture_records(args.fixture)
        return StandIn(records, version=args.version, latency=args.latency, port=args.port)
    return StandIn.demo(version=args.version, latency=args.latency, port=args.port)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    stop_requested = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop_requested.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    with build_standin(args) as standin:
        print(standin.api_url, flush=True)
        while not stop_requested.wait(0.5):
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
