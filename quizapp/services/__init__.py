"""Use-cases: take the actor as an argument, call domain rules, flush, never commit."""
