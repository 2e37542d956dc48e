"""The story: YAML in, a validated, immutable model and its expression language out."""
