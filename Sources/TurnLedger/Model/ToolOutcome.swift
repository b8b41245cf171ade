/// How a tool call ended.
public enum ToolOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    /// The tool returned; the content is its output.
    case success
    /// The tool failed; the content is the error text (e.g. `HTTP 403 Forbidden`).
    case error
    /// The turn was cancelled before the tool returned.
    case cancelled
    /// The process running the tool died; the tool may or may not have run.
    case interrupted
}
