"""AWS Account Structure Designer."""
