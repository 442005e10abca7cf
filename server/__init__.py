"""The Flask server: SPARQL endpoint, resource pages, planners' views and named-query API."""
