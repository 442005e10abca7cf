"""Named SPARQL queries, one `.rq` file each, with a grlc-style `#+` header."""
