# Upload of blank nodes that several named graphs share: one request whose template names each staging
# graph (the blocks are remote-insert-graph.ru, filled with N-Triples). A template's blank node labels make
# one fresh node each per solution (SPARQL 1.1 Update 3.1.3), and the WHERE clause has one solution, so a
# label is the same node in every graph. INSERT DATA would mean the same (its QuadData is one scope), but
# Virtuoso 7.2 refuses blank nodes there (SP031), and answers a multi-graph template with `WHERE {}` with an
# HTTP 500 although it inserted: hence the one BIND.
INSERT { $graphs } WHERE { BIND(1 AS ?one) }
