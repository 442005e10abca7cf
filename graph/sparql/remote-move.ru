# One step of the switch: replace the live graph with its staging copy (MOVE drops the target first).
MOVE SILENT $staging TO $graph
