/// Queries both engines run as written; each binds its own arguments.
enum SharedSQL {
    /// Every session that `condition` (on `s`, the session) keeps, parents before their forks,
    /// then by creation time, id and key: the order in which a history can be rebuilt. Its columns
    /// are `key, id`.
    static func sessionsParentsFirst(where condition: String) -> String {
        """
        WITH RECURSIVE depth(key, level) AS (
            SELECT key, 0 FROM session WHERE parentKey IS NULL
            UNION ALL SELECT s.key, d.level + 1 FROM session s JOIN depth d ON s.parentKey = d.key)
        SELECT s.key, s.id FROM depth d JOIN session s ON s.key = d.key
        WHERE \(condition)
        ORDER BY d.level, s.createdAt, s.id, s.key
        """
    }
}
