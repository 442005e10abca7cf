# The import's rows (graph/imports/quads.py IMPORTED) added to the validation dataset's data graph
# (shapes/dataset.py DATA) inside one store: the store copies them, not Python (issue 16).
ADD <urn:thaiplan:import:new> TO <urn:thaiplan:validate:data>
