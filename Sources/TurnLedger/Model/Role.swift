/// Who speaks in an entry.
public enum Role: String, Sendable, Hashable, Codable, CaseIterable {
    case system, developer, user, assistant, tool
}
