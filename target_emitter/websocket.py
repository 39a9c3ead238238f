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

    __slots__ = ("_send", "_text", "websocket")

    def __init__(self, websocket: Any) -> None:
        self.websocket = websocket
        self._send = self._pick_sender(websocket)
        self._text = next(
            (
                m
                for name in ("send_text", "send_str", "send")
                if callable(m := getattr(websocket, name, None))
            ),
            None,
        )

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
        text = getattr(message, "text", None)
        if text is not None and self._text is not None:
            await self._text(text)  # the emit-time snapshot, already in compact form
        else:
            await self._send(message)

    @property
    def is_open(self) -> bool:
        """False once the socket is closing or closed (as far as its library says)."""
        ws = self.websocket
        state = getattr(ws, "state", None)
        name = getattr(state, "name", None)
        if isinstance(name, str):  # websockets' State, Starlette's WebSocketState
            return name in ("OPEN", "CONNECTED")
        closed = getattr(ws, "closed", None)
        return closed is not True

    def abort(self) -> None:
        """Close the socket now without waiting for the peer (a stalled one never answers)."""
        transport = getattr(self.websocket, "transport", None)
        if transport is not None and callable(getattr(transport, "abort", None)):
            transport.abort()
