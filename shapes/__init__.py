"""SHACL shapes and the validation reports built from them."""
