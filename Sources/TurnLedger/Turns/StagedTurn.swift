/// An open turn as read from the staging area once per write: its `openTurn` row, the turn with
/// its calls and the results recorded so far, and those results' rows as stored. Committing it
/// needs all three, read no second time: the seal hashes the stored bytes of the result rows.
struct StagedTurn {
    var session: SessionRef
    var record: OpenTurnRecord
    var turn: Turn
    /// The `openResult` rows, in position order.
    var results: [OpenResultRecord]
}
