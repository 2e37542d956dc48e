"""The Textual terminal player: title, play, record, saves, settings and debrief screens."""
