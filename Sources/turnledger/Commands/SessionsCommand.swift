import ArgumentParser
import Foundation
import TurnLedger

struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "Create, list and show sessions.",
        subcommands: [Create.self, List.self, Show.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a session; prints it as JSON.")

        @OptionGroup var options: LedgerOptions
        @Argument(help: "The session id.") var id: String
        @Option(help: "The owning tenant.") var tenant: String?
        @Option(help: "Metadata, as a JSON object.") var metadata: String = "{}"

        func validate() throws {
            guard (try? parsedMetadata()) != nil else {
                throw ValidationError("--metadata must be a JSON object.")
            }
        }

        func parsedMetadata() throws -> [String: JSONValue] {
            try JSONDecoder().decode([String: JSONValue].self, from: Data(metadata.utf8))
        }

        func run() async throws {
            let ledger = try await options.openLedger()
            try Output.json(try await ledger.createSession(id: id, tenant: tenant, metadata: try parsedMetadata()))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List sessions, newest activity first, one page at a time.",
            discussion: """
                Text: one line per session (id, last activity, last seq, open turn, tenant); when \
                there are more, the cursor of the next page goes to stderr. --json prints the page: \
                {sessions, nextCursor}.
                """)

        @OptionGroup var options: LedgerOptions
        @Option(help: "Only this tenant's sessions.") var tenant: String?
        @Option(
            name: .customLong("meta"),
            help: "Only sessions whose metadata has KEY=VALUE (VALUE is JSON, else a string); repeatable.")
        var metadata: [String] = []
        @Option(help: "Only sessions active at or after this ISO 8601 time.") var activeSince: String?
        @Option(help: "Only sessions last active before this ISO 8601 time.") var activeBefore: String?
        @Option(help: "Sessions per page (1...1000).") var limit = 50
        @Option(help: "The cursor a previous page printed.") var cursor: String?
        @Flag(help: "Print JSON.") var json = false

        func query() throws -> SessionQuery {
            var filter: [String: JSONValue] = [:]
            for pair in metadata {
                guard let equals = pair.firstIndex(of: "=") else {
                    throw ValidationError("--meta takes KEY=VALUE, not '\(pair)'.")
                }
                let value = String(pair[pair.index(after: equals)...])
                filter[String(pair[..<equals])] =
                    (try? JSONDecoder().decode(JSONValue.self, from: Data(value.utf8))) ?? .string(value)
            }
            return SessionQuery(
                tenant: tenant, metadata: filter, activeSince: try activeSince.map(Self.date),
                activeBefore: try activeBefore.map(Self.date), limit: limit, cursor: cursor)
        }

        static func date(_ text: String) throws -> Date {
            guard let date = try? Date(text, strategy: .iso8601) else {
                throw ValidationError("'\(text)' is not an ISO 8601 time such as 2026-11-25T10:00:00Z.")
            }
            return date
        }

        func run() async throws {
            let page = try await options.openLedger().sessions(matching: try query())
            if json {
                try Output.json(page)
                return
            }
            page.sessions.forEach { print(Output.describe($0)) }
            if let next = page.nextCursor { printError("more: --cursor \(next)") }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a session's committed entries, and its open turn if it has one.")

        @OptionGroup var options: LedgerOptions
        @Argument(help: "The session id.") var id: String
        @Option(help: "Show the history exactly as it stood when its last seq was this one.") var asOf: Int?
        @Flag(help: "Print JSON: {session, entries, openTurn}.") var json = false

        struct Shown: Encodable {
            var session: Session
            var entries: [Entry]
            var openTurn: Turn?
        }

        func run() async throws {
            let ledger = try await options.openLedger()
            guard let session = try await ledger.session(id) else { throw LedgerError.sessionNotFound(id) }
            let shown: Shown
            if let asOf {
                shown = Shown(session: session, entries: try await ledger.entries(in: id, asOf: asOf), openTurn: nil)
            } else {
                shown = Shown(
                    session: session,
                    entries: try await ledger.entries(in: id),
                    openTurn: try await ledger.currentTurn(in: id)
                )
            }
            if json {
                try Output.json(shown)
                return
            }
            shown.entries.forEach { print(Output.describe($0)) }
            if let turn = shown.openTurn { print(Output.describe(turn)) }
        }
    }
}
