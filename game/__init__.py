"""Standing: interactive fiction about scoring societies."""

__version__ = "0.1.0"
