"""Authoring tools: check, playtest, graph, schema, scaffold, import."""
