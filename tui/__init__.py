"""carman: a keyboard-first terminal API client for the Smartcar vehicle API."""

__version__ = "0.1.0"
