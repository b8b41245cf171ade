"""The one exception type the client raises for an answer of the service."""

from __future__ import annotations

from typing import Any


class TurnLedgerError(Exception):
    """An error answer of the TurnLedger service.

    Attributes:
        status: The HTTP status (``409``, ``422``, ...).
        code: The service's error code, e.g. ``"unanswered_calls"`` or ``"seq_conflict"``.
        message: The service's message, one sentence naming what is wrong.
        details: The service's details, e.g. ``{"unansweredCallIds": ["call_1"]}``.
    """

    def __init__(self, status: int, code: str, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details: dict[str, Any] = details or {}

    @classmethod
    def from_body(cls, status: int, body: bytes) -> TurnLedgerError:
        """The error of a response body ``{"error": {"code", "message", "details"}}``, or one
        named after the status when the body is not that (a proxy's page, say)."""
        import json

        try:
            error = json.loads(body)["error"]
            return cls(status, str(error["code"]), str(error["message"]), dict(error.get("details") or {}))
        except (ValueError, KeyError, TypeError):
            text = body.decode("utf-8", "replace").strip()[:200]
            return cls(status, f"http_{status}", text or f"HTTP {status}")
