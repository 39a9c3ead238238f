"""The trees under tests/golden are data for tests/test_golden.py, never tests themselves."""

collect_ignore_glob = ["*/input", "*/expected", "*/input/*", "*/expected/*"]
