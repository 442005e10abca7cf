# One step of the switch or clean-up: remove a graph (a stale staging graph or one a build no longer has).
DROP SILENT GRAPH $graph
