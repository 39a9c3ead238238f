"""Adapter from a framework's WebSocket object to the registry's ``Connection``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from target_emitter.events import encode_compact
from target_emitter.manager import Message


def dumps_compact(message: Message) -> str:
    """The wire text: no spaces, UTF-8 kept as is, NaN refused."""
    return encode_compact(message)


class WebSocketConnection:
    """Wraps an object with ``async send_text(str)``, ``send_str(str)``, ``send(str)``
    (the ``websockets`` library) or ``send_json(obj)``.

    Text methods are preferred so the wire text is always our compact form (the
    emit-time text a message carries, when it has one); ``send`` comes after them
    because Starlette's ``send`` takes an ASGI dict.
    """

    __slots__ = ("_json", "_text", "websocket")

    def __init__(self, websocket: Any) -> None:
        self.websocket = websocket
        self._text: Callable[[str], Awaitable[Any]] | None = next(
            (
                method
                for name in ("send_text", "send_str", "send")
                if callable(method := getattr(websocket, name, None))
            ),
            None,
        )
        self._json: Callable[[Message], Awaitable[Any]] | None = None
        if self._text is None:
            self._json = getattr(websocket, "send_json", None)
            if not callable(self._json):
                raise TypeError(
                    f"{type(websocket).__name__} has none of send_text, send_str, send, send_json"
                )

    async def send(self, message: Message) -> None:
        if self._text is not None:
            text = getattr(message, "text", None)
            await self._text(text if text is not None else dumps_compact(message))
        else:
            await self._json(message)  # type: ignore[misc]

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
