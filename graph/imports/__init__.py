"""Stewards' spreadsheets in and out: `thaiplan import`, `template`, `export`, by a declarative mapping."""
