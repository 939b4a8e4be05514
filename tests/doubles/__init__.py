"""Loopback doubles of vendor LLM APIs for tests and benchmarks."""

from tests.doubles.streams import StreamReply
from tests.doubles.vendors import Reply, Seen, VendorDouble

__all__ = ["Reply", "Seen", "StreamReply", "VendorDouble"]
