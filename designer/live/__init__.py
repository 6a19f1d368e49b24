"""The live organization: comparing a design with what is deployed (no Qt here)."""
