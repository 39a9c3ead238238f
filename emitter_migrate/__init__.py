"""`python -m emitter_migrate`: the same command as the `emitter-migrate` script."""
