class Helper:
    """A report helper that shares the agent helper's name."""

    async def emit_progress(self, content: str) -> None:
        print(content)
