"""Errors that speak to the user: what was wrong, where, and what to do."""

from __future__ import annotations


class HyperdistillError(Exception):
    """Base class of every error hyperdistill raises on purpose."""


class DataError(HyperdistillError, ValueError):
    """Input data is missing, malformed or inconsistent.

    The message names the file (and line or vertex id where known) and says what to do.
    """


class ConfigError(HyperdistillError, ValueError):
    """A name or option given by the user is unknown or out of range."""
