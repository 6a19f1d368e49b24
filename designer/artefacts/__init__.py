"""AWS artefacts built once from a design: policy documents, their quotas and scopes."""
