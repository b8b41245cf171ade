import Foundation

/// Reads a file line by line in chunks, so an export of any size streams through.
struct LineReader {
    private let handle: FileHandle
    private var buffer: [UInt8] = []
    private var start = 0  // where the unread part of `buffer` begins
    private var atEnd = false

    init(url: URL) throws {
        handle = try FileHandle(forReadingFrom: url)
    }

    /// The next line without its newline, or nil at the end of the file.
    mutating func next() throws -> Data? {
        while true {
            if let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                defer { start = newline + 1 }
                return Data(buffer[start..<newline])
            }
            buffer.removeFirst(start)
            start = 0
            if atEnd {
                guard !buffer.isEmpty else { return nil }
                defer { buffer = [] }
                return Data(buffer)
            }
            if let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                buffer.append(contentsOf: chunk)
            } else {
                atEnd = true
            }
        }
    }

    func close() { try? handle.close() }
}
