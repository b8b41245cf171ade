import Foundation
import TurnLedger

/// The benchmark workload (../shared/bench/WORKLOAD.md): OpenAI Chat messages across
/// interleaved sessions, one JSON line each. Read line by line, so that the benchmark's
/// memory is the store's, not the file's.
struct Workload {
    struct Line {
        var session: String
        var message: OpenAIChatMessage
        var isError: Bool
        /// Where the line is in the file, to read it again for the check.
        var location: Location
    }

    struct Location {
        var offset: UInt64
        var length: Int
    }

    let path: String

    /// Calls `body` with each line in file order.
    func forEachLine(_ body: (Line) async throws -> Void) async throws {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        var buffer = Data()
        var bufferOffset: UInt64 = 0
        var number = 0
        while true {
            let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            buffer.append(chunk)
            var start = buffer.startIndex  // lines are sliced off by index: the rest is copied once per chunk
            while let newline = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) {
                let lineData = buffer[start..<newline]
                number += 1
                let location = Location(offset: bufferOffset, length: lineData.count)
                if !lineData.isEmpty { try await body(try Self.decode(Data(lineData), at: location, number: number)) }
                bufferOffset += UInt64(lineData.count + 1)
                start = newline + 1
            }
            buffer = Data(buffer[start...])
            if chunk.isEmpty { break }
        }
        if !buffer.isEmpty {
            try await body(
                try Self.decode(buffer, at: Location(offset: bufferOffset, length: buffer.count), number: number + 1))
        }
    }

    /// The messages at `locations`, as Foundation parses them.
    func originals(at locations: [Location]) throws -> [NSDictionary] {
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        return try locations.map { location in
            try handle.seek(toOffset: location.offset)
            let data = try handle.read(upToCount: location.length) ?? Data()
            let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
            return (object?["message"] as? NSDictionary) ?? [:]
        }
    }

    private static func decode(_ data: Data, at location: Location, number: Int) throws -> Line {
        struct Wire: Decodable {
            var session: String
            var message: OpenAIChatMessage
            var is_error: Bool?
        }
        do {
            let wire = try JSONDecoder().decode(Wire.self, from: data)
            return Line(
                session: wire.session, message: wire.message, isError: wire.is_error ?? false, location: location)
        } catch {
            throw WorkloadError(line: number, reason: "\(error)")
        }
    }
}

struct WorkloadError: Error, CustomStringConvertible {
    var line: Int
    var reason: String
    var description: String { "Workload line \(line): \(reason)" }
}
