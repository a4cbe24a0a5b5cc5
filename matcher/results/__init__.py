"""What a match answers: per-product results, their explanations and the ranking."""
