"""The web UI and the ``search``/``serve`` commands: timeline, search, diffs, feeds, JSON API."""
