import Foundation
import TurnLedger

/// The benchmark workload (../shared/bench/WORKLOAD.md): OpenAI Chat messages across
/// interleaved sessions, one JSON line each.
struct Workload {
    struct Line {
        var session: String
        var message: OpenAIChatMessage
        var isError: Bool
    }

    var lines: [Line]
    /// Each line's message as Foundation parsed it, to compare rendered histories with.
    var originals: [NSDictionary]

    init(contentsOf path: String) throws {
        struct Wire: Decodable {
            var session: String
            var message: OpenAIChatMessage
            var is_error: Bool?
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let decoder = JSONDecoder()
        var lines: [Line] = []
        var originals: [NSDictionary] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let data = Data(line.utf8)
            do {
                let wire = try decoder.decode(Wire.self, from: data)
                lines.append(Line(session: wire.session, message: wire.message, isError: wire.is_error ?? false))
                let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
                originals.append((object?["message"] as? NSDictionary) ?? [:])
            } catch {
                throw WorkloadError(line: number + 1, reason: "\(error)")
            }
        }
        self.lines = lines
        self.originals = originals
    }
}

struct WorkloadError: Error, CustomStringConvertible {
    var line: Int
    var reason: String
    var description: String { "Workload line \(line): \(reason)" }
}
