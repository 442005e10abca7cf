"""Stores the graph lives in: the embedded pyoxigraph store with its snapshots, and a remote SPARQL store."""
