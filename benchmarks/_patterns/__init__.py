"""Code patterns the synthetic-repo generator (`benchmarks/make_repo.py`) assembles files from."""
