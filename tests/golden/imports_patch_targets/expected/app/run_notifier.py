"""Builds its bridge lazily, so tests patch the factory on its home module."""


class RunNotifier:
    def __init__(self, user_context) -> None:
        from compat.agent_websocket_bridge import (
            create_agent_websocket_bridge,
        )

        self.bridge = create_agent_websocket_bridge(user_context)
