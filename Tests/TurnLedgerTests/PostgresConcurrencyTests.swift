import Foundation
import Testing
import TurnLedger

/// Several services on one PostgreSQL store writing to the same session: the session's row lock
/// makes their writes take turns, so an expected seq another service took is a typed
/// `seq_conflict`, and nothing is lost, doubled or out of place.
@Suite struct PostgresConcurrencyTests {
    @Test func servicesRacingForOneSessionsSeqsGetConflictsAndLeaveADenseLog() async throws {
        let first = try await EngineLedger.open(.postgres)
        defer { first.remove() }
        let services = [first.ledger] + (try await (1..<4).asyncMap { _ in
            try await Ledger.open(configuration: LedgerConfiguration(path: first.store))
        })
        defer { for service in services.dropFirst() { try? service.close() } }
        try await first.ledger.createSession(id: "shared")

        let conflicts = try await withThrowingTaskGroup(of: Int.self) { group in
            for (index, service) in services.enumerated() {
                for task in 0..<4 {
                    group.addTask {
                        var conflicts = 0
                        for message in 0..<5 {
                            let text = "service \(index) task \(task) message \(message)"
                            while true {
                                let next = try await service.nextSeq(in: "shared")
                                do {
                                    try await service.append([.text(text)], role: .user, to: "shared", expectedSeq: next)
                                    break
                                } catch LedgerError.seqConflict(let id, let expected, let actual) {
                                    #expect(id == "shared" && expected == next && actual > next)
                                    conflicts += 1
                                }
                            }
                        }
                        return conflicts
                    }
                }
            }
            return try await group.reduce(0, +)
        }

        let entries = try await first.ledger.entries(in: "shared")
        #expect(entries.map(\.seq) == Array(1...80))
        #expect(Set(entries.map(\.parts)).count == 80)
        #expect(conflicts > 0)  // 16 writers on one session do collide
        #expect(try await first.ledger.verify().problems == [])
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var values: [T] = []
        for element in self { values.append(try await transform(element)) }
        return values
    }
}
