"""Benchmarks: scripted, reporting figures (see make bench)."""
