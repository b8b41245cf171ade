import Foundation

/// A provider-ready request body built from one session's committed log.
public struct Context: Sendable, Hashable {
    public var format: ProviderFormat
    /// The JSON body as UTF-8 bytes, ready to send: merge your `model`, `tools` and settings
    /// into it.
    public var data: Data
    /// The seqs of the log entries rendered, in the order they appear in the body.
    public var renderedSeqs: [Int]
    /// The seqs of the log left out: covered by the summary in use, or outside the window.
    public var omittedSeqs: [ClosedRange<Int>]
    /// What the token counter gave for the rendered entries.
    public var estimatedTokens: Int

    /// Creates a context value; ``Ledger/context(for:format:maxTokens:tokenCounter:)`` builds real ones.
    public init(
        format: ProviderFormat,
        data: Data,
        renderedSeqs: [Int],
        omittedSeqs: [ClosedRange<Int>],
        estimatedTokens: Int
    ) {
        self.format = format
        self.data = data
        self.renderedSeqs = renderedSeqs
        self.omittedSeqs = omittedSeqs
        self.estimatedTokens = estimatedTokens
    }

    /// The JSON body as text.
    public var body: String { String(decoding: data, as: UTF8.self) }
}
