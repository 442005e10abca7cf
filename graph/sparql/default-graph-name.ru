# The build's default graph (the data graphs' set union, issue 19) copied into a named graph, so that a
# remote store receives it with the other graphs of the build (graph/build/default_graph.py: COPY_GRAPH).
COPY DEFAULT TO GRAPH <https://w3id.org/thaiplan/graph/default>
