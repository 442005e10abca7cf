#+ summary: The focus nodes of one set of targets (those that are subjects of the data), kept as {{focusSet}}
#+ so that every check of the shapes sharing these targets reads them from an index.
#+ Placeholders ({{name}}) are filled by shapes/core_sparql.py: IRIs written by pyoxigraph, and the target
#+ patterns it compiled from the shapes graph.
INSERT { GRAPH {{focusGraph}} { ?this {{member}} {{focusSet}} } }
USING {{data}}
USING {{mixed}}
USING {{superGraph}}
USING {{typesGraph}}
USING NAMED {{data}}
USING NAMED {{typesGraph}}
WHERE {
  { SELECT DISTINCT ?this WHERE { {{targets}} } }
  FILTER EXISTS { GRAPH {{data}} { ?this ?anyPredicate ?anyObject } }
}
