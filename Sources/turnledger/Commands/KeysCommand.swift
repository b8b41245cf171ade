import ArgumentParser
import TurnLedger

struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage the API keys of `turnledger serve`: each maps to one tenant.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a key; prints it once with its id as JSON (only its SHA-256 is stored).")

        @OptionGroup var options: LedgerOptions
        @Option(help: "The tenant whose sessions the key reaches.") var tenant: String
        @Option(help: "A name to recognize the key by.") var name: String?

        func run() async throws {
            try Output.json(try await options.openLedger().createAPIKey(tenant: tenant, name: name))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys (ids, tenants, never the keys).")

        @OptionGroup var options: LedgerOptions

        func run() async throws {
            try Output.json(try await options.openLedger().apiKeys())
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by its id; it stops working at once.")

        @OptionGroup var options: LedgerOptions
        @Argument(help: "The key's id (the part after tlk_).") var id: String

        func run() async throws {
            try await options.openLedger().revokeAPIKey(id: id)
            try Output.json(["revoked": id])
        }
    }
}
