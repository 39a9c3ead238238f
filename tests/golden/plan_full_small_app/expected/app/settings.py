"""Nothing legacy here."""

TIMEOUT_SECONDS = 30
