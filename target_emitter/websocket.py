"""Adapter from a framework's WebSocket object to the registry's ``Connection``."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from target_emitter.manager import Message


def dumps_compact(message: Message) -> str:
    """The wire text: no spaces, UTF-8 kept as is, NaN refused."""
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


class WebSocketConnection:
    """Wraps an object with ``async send_text(str)``, ``send_str(str)``, ``send(str)``
    (the ``websockets`` library) or ``send_json(obj)``.

    Text methods are preferred so the wire text is always our compact form;
    ``send`` comes after them because Starlette's ``send`` takes an ASGI dict.
    """

    __slots__ = ("_send", "websocket")

    def __init__(self, websocket: Any) -> None:
        self.websocket = websocket
        self._send = self._pick_sender(websocket)

    @staticmethod
    def _pick_sender(websocket: Any) -> Callable[[Message], Awaitable[Any]]:
        for name in ("send_text", "send_str", "send"):
            method = getattr(websocket, name, None)
            if callable(method):
                return lambda message, method=method: method(dumps_compact(message))
        method = getattr(websocket, "send_json", None)
        if callable(method):
            return method
        raise TypeError(
            f"{type(websocket).__name__} has none of send_text, send_str, send, send_json"
        )

    async def send(self, message: Message) -> None:
        await self._send(message)
