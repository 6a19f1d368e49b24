"""The diagram: OUs as nested containers, accounts and providers as nodes, typed edges."""
