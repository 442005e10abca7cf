# The last steps of the switch: replace the manifest with the new build's id and graphs (the triples
# are N-Triples written by pyoxigraph's serializer).
DROP SILENT GRAPH $manifest ;
INSERT DATA { GRAPH $manifest { $triples } }
