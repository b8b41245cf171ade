/// An open turn as read from the staging area once per write: its `openTurn` row, and the turn
/// with its calls and the results recorded so far. Committing it needs both, read no second time.
struct StagedTurn {
    var session: SessionRef
    var record: OpenTurnRecord
    var turn: Turn
}
