"""Benchmarks: question suites, runners and speed/memory measurements (each prints a table and writes JSON)."""
