"""Background runs."""

from __future__ import annotations


class RunNotifier:
    def __init__(self, user_context) -> None:
        # Imported here so tests can patch the factory on its home module.
        from compat.agent_websocket_bridge import (
            create_agent_websocket_bridge,
        )

        self.bridge = create_agent_websocket_bridge(user_context)


def transparency(context):
    try:
        from compat.transparent_websocket_events import (
            TransparentWebSocketEmitter,
        )
    except (ImportError, AttributeError):
        return None
    return TransparentWebSocketEmitter(context)


def manager():
    try:
        from compat.unified_emitter import get_websocket_manager
        return get_websocket_manager()
    except RuntimeError:
        return None
    finally:
        pass


if __name__ == "__main__": from compat.unified_emitter import set_websocket_manager
