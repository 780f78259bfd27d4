"""Tests of the fastasyncio package and its runner: ``python3 -m unittest discover -s python/tests -t python``."""
