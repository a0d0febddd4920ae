"""Use cases: each takes plain values and a unit of work and returns small result objects."""
