"""The query guard: the SPARQL lexer, the canonical text the engine runs, and the checks on its tokens."""
