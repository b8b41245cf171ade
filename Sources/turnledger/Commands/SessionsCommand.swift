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
            let ledger = try options.openLedger()
            try Output.json(try await ledger.createSession(id: id, tenant: tenant, metadata: try parsedMetadata()))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List sessions, newest first.")

        @OptionGroup var options: LedgerOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let sessions = try await options.openLedger().listSessions()
            if json {
                try Output.json(sessions)
            } else {
                sessions.forEach { print(Output.describe($0)) }
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a session's committed entries, and its open turn if it has one.")

        @OptionGroup var options: LedgerOptions
        @Argument(help: "The session id.") var id: String
        @Flag(help: "Print JSON: {session, entries, openTurn}.") var json = false

        struct Shown: Encodable {
            var session: Session
            var entries: [Entry]
            var openTurn: Turn?
        }

        func run() async throws {
            let ledger = try options.openLedger()
            guard let session = try await ledger.session(id) else { throw LedgerError.sessionNotFound(id) }
            let shown = Shown(
                session: session,
                entries: try await ledger.entries(in: id),
                openTurn: try await ledger.currentTurn(in: id)
            )
            if json {
                try Output.json(shown)
                return
            }
            shown.entries.forEach { print(Output.describe($0)) }
            if let turn = shown.openTurn { print(Output.describe(turn)) }
        }
    }
}
