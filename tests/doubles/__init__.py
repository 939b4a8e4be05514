"""Loopback doubles of vendor LLM APIs for tests and benchmarks."""

from tests.doubles.vendors import Reply, Seen, VendorDouble

__all__ = ["Reply", "Seen", "VendorDouble"]
