"""Standing: interactive fiction about scoring societies."""
