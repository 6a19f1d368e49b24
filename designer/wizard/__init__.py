"""The new-design wizard: the whitepaper's questions turned into a structure."""
