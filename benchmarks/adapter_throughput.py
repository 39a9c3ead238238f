"""Events/s of one user's emitter into a WebSocketConnection whose send_text does nothing.

Unlike the inline sink of emitter_bench.py, the adapter needs each message's JSON
text, as every real socket does. To compare two checkouts, run them interleaved:

    PYTHONPATH=CHECKOUT python benchmarks/adapter_throughput.py [EVENTS]
"""

from __future__ import annotations

import asyncio
import sys
import time

from target_emitter import InMemoryConnectionRegistry, UnifiedWebSocketEmitter, WebSocketConnection

RESULT = {"hits": [1, 2], "total": 2}


class NullWebSocket:
    """Takes the text and drops it: what is left is the emitter's and the adapter's cost."""

    def __init__(self) -> None:
        self.sent = 0

    async def send_text(self, text: str) -> None:
        self.sent += 1


async def measure(events: int) -> float:
    registry = InMemoryConnectionRegistry()
    socket = NullWebSocket()
    registry.connect("u", WebSocketConnection(socket))
    emitter = UnifiedWebSocketEmitter(registry, "u")
    started = time.perf_counter()
    for _ in range(events):
        await emitter.emit_tool_completed(tool_name="search", agent_name="a", result=RESULT)
    seconds = time.perf_counter() - started
    flush = getattr(registry, "flush", None)  # older checkouts wrote inline
    if flush is not None:
        await flush()
    if socket.sent != events:
        raise SystemExit(f"only {socket.sent} of {events} events reached the socket")
    return events / seconds


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    print(f"{measure.__name__}: {asyncio.run(measure(count)):,.0f} events/s into the adapter")
