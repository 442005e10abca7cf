"""thaiplan: a knowledge graph of Thailand's public-sector strategic plans."""

__version__ = "0.1.0"
