"""Speed and size goals, each measured against a baseline taken in the same run.

These machines are noisy, so no figure is an absolute time: a ratio to something measured
side by side (or a latency with its baseline beside it). `make bench` prints the table.
"""
