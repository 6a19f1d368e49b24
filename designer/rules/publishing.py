"""Rules: filled in below."""
