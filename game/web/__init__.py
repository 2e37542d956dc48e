"""The web reader: the engine behind server-rendered HTML, one process for a whole class.

A front end like ``ui`` and ``plain``: it imports the engine and the story,
never another front end. The classroom's seat (codename, resume code,
records, pacing, reveal) reaches it through the ``Seat`` protocol of
``game.engine.classmode``; ``game.launch`` wires the two together.
"""
