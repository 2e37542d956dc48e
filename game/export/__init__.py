"""The static export: a story as a folder any browser plays with no server and no network.

``build`` (run by ``python -m game export``) writes the folder: the pinned
Pyodide (``pyodide``), the engine's Python files, the story as its compiled
JSON, and the page that starts them. ``browser`` is what runs inside Pyodide:
the web reader's own pages (``game.web.pages``) driven by the same ``Player``,
with the class record written by ``game.classroom.records`` so that "Download
my record" gives a file the teacher's ``report`` reads. Like ``game.launch``,
this package wires front ends together, so it sits on the top floor.
"""
