"""Nothing legacy here: never parsed, never changed."""

VALUE = 1
