import ArgumentParser
import TurnLedger

struct ContextCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "context",
        abstract: "Print a session's history as a provider request body (JSON).",
        discussion: """
            The body holds the history only (messages, input or contents, and the system prompt): \
            merge your model, tools and settings into it. With --max-tokens, the newest whole \
            turns that fit are kept, and stderr says which seqs were left out.
            """
    )

    @OptionGroup var options: LedgerOptions
    @Argument(help: "The session id.") var session: String
    @Option(help: "openai-chat, openai-responses, anthropic or gemini.") var format: ProviderFormat
    @Option(help: "A token budget (estimated: about 4 bytes of text per token).") var maxTokens: Int?

    func validate() throws {
        if let maxTokens, maxTokens < 1 { throw ValidationError("--max-tokens must be 1 or more.") }
    }

    func run() async throws {
        let context = try await options.openLedger().context(for: session, format: format, maxTokens: maxTokens)
        print(context.body)
        if !context.omittedSeqs.isEmpty {
            let ranges = context.omittedSeqs.map {
                $0.count == 1 ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)"
            }
            printError("left out seqs \(ranges.joined(separator: ", ")) (\(context.estimatedTokens) tokens kept)")
        }
    }
}

extension ProviderFormat: ExpressibleByArgument {}
