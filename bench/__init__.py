"""Benchmarks of Loupan on generated data (``make bench``; see bench/README.md)."""

GENERATOR_VERSION = "1"  # bump when the generated data changes: cached bench databases are rebuilt
