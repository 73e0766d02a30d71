"""A stand-in for the Launch Library 2 API on 127.0.0.1, with fault injection and demo data.

Used by tests, benchmarks and `python -m rocketwatch.standin`; never imports Qt.
"""

from __future__ import annotations

from rocketwatch.standin.data import demo_records, load_fixture_records
from rocketwatch.standin.protocol import FAULT_KINDS, Fault, RequestLog
from rocketwatch.standin.server import StandIn

__all__ = ["FAULT_KINDS", "Fault", "RequestLog", "StandIn", "demo_records", "load_fixture_records"]
