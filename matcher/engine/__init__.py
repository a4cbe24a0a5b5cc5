"""Products compiled and run: durable_rules, the region pre-filter, triage, and the catalog."""
