"""Process wiring, half migrated by hand already."""

from compat.unified_emitter import get_websocket_manager, set_websocket_manager
from compat.unified_emitter import UnifiedWebSocketEmitter as Emitter
import os; from compat.base_agent import BaseAgent


def install(manager) -> None:
    set_websocket_manager(manager)
    assert get_websocket_manager() is manager, os.getpid()


class Worker(BaseAgent):
    emitter_class = Emitter
