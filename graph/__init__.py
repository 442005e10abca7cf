"""The curated graph: sources, normalization, curated Turtle, and the code that builds and stores it."""
