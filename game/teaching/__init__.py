"""The teacher's pack: printable handouts, a paper gamebook and the guides' data.

A front end like ``plain`` or ``classroom``: it reads stories through
``game.story`` and plays them through ``game.engine``, never through the UI.
"""
