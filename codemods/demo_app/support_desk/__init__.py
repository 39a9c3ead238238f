"""A small help-desk backend built on the legacy netra_backend emitters."""
