"""Tools for the people who write rules: lint, scenarios, diffs, versions and checked publishing."""
