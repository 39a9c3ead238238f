"""A second instance for the Redis fan-out tests, run as its own process.

    python -m tests.emitter.redis_instance REDIS_URL USER[,USER...] COUNT

It registers one recording socket per user through a RedisFanoutManager, prints
READY, waits until each socket holds COUNT messages (or 20 s), then prints one
JSON object: user -> [[seq, payload], ...] in the order received.
"""

from __future__ import annotations

import asyncio
import json
import sys

from target_emitter import RecordingConnection
from target_emitter.redis_fanout import RedisFanoutManager


async def main(url: str, users: list[str], count: int) -> None:
    manager = RedisFanoutManager.from_url(url)
    sockets = {user: RecordingConnection() for user in users}
    for user, socket in sockets.items():
        await manager.connect(user, socket)
    print("READY", flush=True)
    try:
        async with asyncio.timeout(20):
            while any(len(s.messages) < count for s in sockets.values()):
                await asyncio.sleep(0.01)
            await manager.local.flush()
    except TimeoutError:
        pass
    got = {u: [[m["seq"], m["payload"]] for m in s.messages] for u, s in sockets.items()}
    print(json.dumps(got), flush=True)
    await manager.aclose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2].split(","), int(sys.argv[3])))
