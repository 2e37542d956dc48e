"""Reusable widgets of the terminal player, each with its DEFAULT_CSS."""
