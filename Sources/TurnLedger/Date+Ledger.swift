import Foundation
import GRDB

extension Date {
    /// Now, exactly as the database will give it back (UTC text with milliseconds), so that
    /// a value returned by a write equals the same value read later.
    static func ledgerNow() -> Date {
        let now = Date()
        return Date.fromDatabaseValue(now.databaseValue) ?? now
    }
}
