import Foundation
import GRDB

extension SearchDoc {
    func insert(_ db: Database) throws {
        try db.cachedStatement(
            sql: "INSERT INTO searchDoc (sessionKey, seq, kind, role, toolName, position) VALUES (?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [sessionKey, seq, kind.rawValue, role, toolName, position])
    }
}

extension SearchText {
    /// `searchBody(source, kind)`, registered on every connection: the indexed text of a search
    /// row from the log column it reads (a `parts` column, or a call's `arguments` for kind
    /// `arguments`). The view `searchSource` calls it, so the text is never stored twice.
    static let bodyFunction = DatabaseFunction("searchBody", argumentCount: 2, pure: true) { values in
        guard let source = String.fromDatabaseValue(values[0]) else { return nil }
        if String.fromDatabaseValue(values[1]) == "arguments" { return indexed(source) }
        return indexed(searchable((try? PartsCodec.decode(source)) ?? []))
    }
}
