"""Process wiring, half migrated by hand already."""

from compat.unified_emitter import get_websocket_manager
from netra_backend.app.websocket_core import get_websocket_manager, set_websocket_manager
from netra_backend.app.websocket_core.unified_emitter import UnifiedWebSocketEmitter as Emitter
import os; from netra_backend.app.agents.base_agent import BaseAgent


def install(manager) -> None:
    set_websocket_manager(manager)
    assert get_websocket_manager() is manager, os.getpid()


class Worker(BaseAgent):
    emitter_class = Emitter
