"""Loopback doubles of vendor LLM APIs for tests and benchmarks."""

from tests.support.doubles.streams import StreamReply
from tests.support.doubles.vendors import Reply, Seen, VendorDouble

__all__ = ["Reply", "Seen", "StreamReply", "VendorDouble"]
