"""Rule files: YAML read with source locations into products, conditions and terms; checked."""
