import Foundation

/// How a write moved a session's hash chain: the hash before the rows it appended and the hash at
/// the last of them. A cached log whose hash is `before` is the log those rows extend.
struct ChainStep: Sendable, Equatable {
    var before: Data
    var after: Data
}
