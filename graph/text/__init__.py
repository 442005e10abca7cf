"""The source texts: Thai normalization, the quote check, and where passages stand in their source."""
