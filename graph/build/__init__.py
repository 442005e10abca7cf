"""The build: the files read, the snapshot written, and what it derives (closures, indexes, default graph)."""
