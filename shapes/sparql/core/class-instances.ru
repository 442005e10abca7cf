#+ summary: Every instance of {{cls}} under RDFS: typed with it or a sub-class (rdfs9), subject of a property
#+ whose domain is one (rdfs2), or non-literal object of one whose range is one (rdfs3).
#+ Placeholders ({{name}}) are IRIs only, written by shapes/dataset.py from checked pyoxigraph terms.
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
INSERT { GRAPH {{typesGraph}} { ?x rdf:type {{cls}} } }
USING {{data}}
USING {{mixed}}
USING {{superGraph}}
WHERE {
  { VALUES ?t { {{subclasses}} } ?x rdf:type ?t }
  UNION { VALUES ?p { {{domain}} } ?x ?p ?o }
  UNION { VALUES ?p { {{range}} } ?s ?p ?x FILTER (!isLiteral(?x)) }
}
