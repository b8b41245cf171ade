import ArgumentParser
import Foundation
import TurnLedger

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a whole history into a session, or a TurnLedger export; all or nothing.",
        discussion: """
            openai-chat: an array of Chat Completions messages, or {"messages": [...]}. anthropic: a \
            Messages body, {"system": ..., "messages": [...]}. Both take SESSION FILE; the session is \
            created when missing. A history whose tool calls are not all answered is refused, naming \
            the message and the ids. turnledger: FILE is an export (`turnledger export`); every \
            session in it is created, and an edited, truncated or colliding file is refused.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case openAIChat = "openai-chat"
        case anthropic
        case turnledger
    }

    @OptionGroup var options: LedgerOptions
    @Argument(help: "SESSION FILE (openai-chat, anthropic), or FILE (turnledger); FILE may be - for stdin.")
    var values: [String] = []
    @Option(help: "openai-chat, anthropic or turnledger.") var format: Format

    func validate() throws {
        let expected = format == .turnledger ? 1 : 2
        guard values.count == expected else {
            throw ValidationError(
                format == .turnledger
                    ? "import --format turnledger takes one FILE."
                    : "import --format \(format.rawValue) takes SESSION FILE.")
        }
    }

    struct Summary: Encodable {
        var session: String
        var entries: Int
        var firstSeq: Int?
        var lastSeq: Int?
    }

    func run() async throws {
        let ledger = try await options.openLedger()
        guard format != .turnledger else {
            try Output.json(try await ledger.importExport(from: try Self.file(values[0])))
            return
        }
        let (session, file) = (values[0], values[1])
        let data =
            file == "-"
            ? FileHandle.standardInput.readDataToEndOfFile()
            : try Data(contentsOf: URL(fileURLWithPath: file))
        let entries = try await ledger.importHistory(
            data, format: format == .anthropic ? .anthropic : .openAIChat, into: session)
        try Output.json(
            Summary(session: session, entries: entries.count, firstSeq: entries.first?.seq, lastSeq: entries.last?.seq))
    }

    /// The file to read; stdin is copied to a temporary file first.
    static func file(_ path: String) throws -> URL {
        guard path == "-" else { return URL(fileURLWithPath: path) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "turnledger-import-\(UUID().uuidString)")
        try FileHandle.standardInput.readDataToEndOfFile().write(to: url)
        return url
    }
}
