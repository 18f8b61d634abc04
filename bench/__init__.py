"""Cashmob's benchmark suite: a dataset generator and measurements of the hot paths.

``python -m bench --help`` lists what it measures; ``bench/README.md`` says how to read it.
"""
