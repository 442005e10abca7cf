#+ summary: The focus nodes of one set of targets, kept as {{focusSet}} (the set as subject, so that a literal
#+ can be a focus node) so that every check of the shapes sharing these targets reads them from an index.
#+ A sh:targetNode is a focus node even when the data never mentions it (?given); other targets keep the
#+ nodes the data mentions, as subject or object (the mixed-in ontology's own terms are not data).
#+ Placeholders ({{name}}) are filled by shapes/compiled/: IRIs written by pyoxigraph, and the target
#+ patterns it compiled from the shapes graph.
INSERT { GRAPH {{focusGraph}} { {{focusSet}} {{member}} ?this } }
USING {{data}}
USING {{mixed}}
USING {{superGraph}}
USING {{typesGraph}}
USING NAMED {{data}}
USING NAMED {{typesGraph}}
WHERE {
  { SELECT DISTINCT ?this ?given WHERE { {{targets}} } }
  FILTER (BOUND(?given) || isLiteral(?this)
    || EXISTS { GRAPH {{data}} { ?this ?anyPredicate ?anyObject } }
    || EXISTS { GRAPH {{data}} { ?anySubject ?anyPredicate ?this } })
}
