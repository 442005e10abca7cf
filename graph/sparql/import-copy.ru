# The import's rows added to the validation dataset's data graph, inside one store (issue 16).
ADD $source TO $target
