"""Metrics, protocol scoring and timing."""
