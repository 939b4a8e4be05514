"""Benchmarks (issue 6): `python -m bench [--quick]`; see bench/README.md."""
