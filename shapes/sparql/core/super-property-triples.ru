#+ summary: rdfs7: a triple of each sub-property of {{super}} is a triple of {{super}} too.
#+ Placeholders ({{name}}) are IRIs only, written by shapes/dataset.py from checked pyoxigraph terms.
INSERT { GRAPH {{superGraph}} { ?s {{super}} ?o } }
USING {{data}}
USING {{mixed}}
WHERE {
  VALUES ?p { {{subs}} }
  ?s ?p ?o
}
