"""Bundled data files: the taxonomy, column synonyms, benchmarks and evidence rules."""
