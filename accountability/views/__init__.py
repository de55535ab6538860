"""Pages of supervision and accountability, one module per concern."""
