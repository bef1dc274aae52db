"""What the language means beyond one expression: the background axioms (the life of an
order) on the plain side. Nothing here imports z3."""
