"""Django's SQLite backend, with the one change Minga's write path needs (see `base`)."""
