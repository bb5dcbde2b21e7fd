"""Reliability suite: faults, bad input, hostile tokens and secrets, with figures.

The logic lives in the ``_*.py`` modules so that ``scripts/reliability`` runs the same checks
with a large N and prints the figures; the ``test_*.py`` files run them with a small N.
"""
