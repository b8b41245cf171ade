"""TurnLedger for Python: a typed client of the TurnLedger HTTP service.

``Client`` (sync) and ``AsyncClient`` (asyncio) cover the whole API; errors are raised as
``TurnLedgerError`` carrying the service's ``code``, ``message`` and ``details``.
"""

from ._async_client import AsyncClient
from ._client import Client
from ._errors import TurnLedgerError
from ._transport import RetryPolicy
from ._types import (
    ContentPart,
    ContextFormat,
    Entry,
    EntryPage,
    Outcome,
    Role,
    Session,
    SessionPage,
    SessionSummary,
    TailEvent,
    ToolCall,
    ToolResult,
    Turn,
    Usage,
    UsageTotals,
)

__all__ = [
    "AsyncClient",
    "Client",
    "ContentPart",
    "ContextFormat",
    "Entry",
    "EntryPage",
    "Outcome",
    "RetryPolicy",
    "Role",
    "Session",
    "SessionPage",
    "SessionSummary",
    "TailEvent",
    "ToolCall",
    "ToolResult",
    "Turn",
    "TurnLedgerError",
    "Usage",
    "UsageTotals",
]
