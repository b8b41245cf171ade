import Foundation
import GRDB

extension Row {
    /// A text column read by its bytes. GRDB's `String` conversion reads a C string and stops at
    /// the first NUL, but ids and arguments are the model's data and may hold one.
    func text(at index: Int) throws -> String {
        try optionalText(at: index) ?? ""
    }

    /// A `parts` column decoded from its bytes.
    func parts(at index: Int) throws -> [ContentPart] {
        try withUnsafeData(atIndex: index) { data in try PartsCodec.decode(bytes: data ?? Data()) }
    }

    func optionalText(at index: Int) throws -> String? {
        try withUnsafeData(atIndex: index) { data in data.map { String(decoding: $0, as: UTF8.self) } }
    }
}
