"""Small helpers with no domain knowledge: where bundled resources are, speed on large designs."""
