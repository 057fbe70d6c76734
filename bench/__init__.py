"""Benchmarks of the portal: `make bench` runs ``bench.run`` (see its docstring and README.md)."""
