"""The web UI (`policyradar serve`): timeline, search, diffs, versions, Atom feeds, JSON API."""
