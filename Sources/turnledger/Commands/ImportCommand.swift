import ArgumentParser
import Foundation
import TurnLedger

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import a whole history into a session, all or nothing; prints a summary as JSON.",
        discussion: """
            openai-chat: an array of Chat Completions messages, or {"messages": [...]}. anthropic: a \
            Messages body, {"system": ..., "messages": [...]}. The session is created when missing. \
            A history whose tool calls are not all answered is refused, naming the message and the ids.
            """
    )

    @OptionGroup var options: LedgerOptions
    @Argument(help: "The session id.") var session: String
    @Argument(help: "The history file, or - for stdin.") var file: String
    @Option(help: "openai-chat or anthropic.") var format: ProviderFormat

    func validate() throws {
        guard format == .openAIChat || format == .anthropic else {
            throw ValidationError("--format must be openai-chat or anthropic.")
        }
    }

    struct Summary: Encodable {
        var session: String
        var entries: Int
        var firstSeq: Int?
        var lastSeq: Int?
    }

    func run() async throws {
        let data =
            file == "-"
            ? FileHandle.standardInput.readDataToEndOfFile()
            : try Data(contentsOf: URL(fileURLWithPath: file))
        let entries = try await options.openLedger().importHistory(data, format: format, into: session)
        try Output.json(
            Summary(session: session, entries: entries.count, firstSeq: entries.first?.seq, lastSeq: entries.last?.seq))
    }
}
