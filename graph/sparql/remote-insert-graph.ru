# One staging graph's block in remote-insert-shared.ru, its triples as N-Triples lines.
GRAPH $graph { $triples }
