"""Rule files: YAML read with source locations into products, their conditions and terms, and checked."""
