"""Output formats: each module renders one kind of result in one format."""
