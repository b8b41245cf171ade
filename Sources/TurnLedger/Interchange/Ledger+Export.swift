import Foundation

extension Ledger {
    /// Writes everything the store holds to `url` as a TurnLedger export (JSON Lines,
    /// docs/export-format.md): sessions (parents before their forks), each with its log and
    /// open turn, then the purge audit. Read from one snapshot, so concurrent writes are either
    /// wholly in it or not at all. The same store always gives the same bytes.
    ///
    /// - Parameter tenant: Only this tenant's sessions and purges (a fork is in its parent's tenant).
    /// - Returns: How many sessions and lines were written.
    @discardableResult
    public func export(to url: URL, tenant: String? = nil) async throws -> ExportSummary {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw LedgerError.invalidInput(field: "url", reason: "cannot create \(url.path)")
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        return try await export(to: handle, tenant: tenant)
    }

    /// Writes the export to an open file, pipe or socket (standard output, say) and leaves it
    /// open. The snapshot stays open until the last line is written: a slow reader on the other
    /// end keeps it open that long (writers are not blocked; the WAL grows until it ends).
    @discardableResult
    public func export(to handle: FileHandle, tenant: String? = nil) async throws -> ExportSummary {
        let exported = try exportScope(tenant)
        return try await store.export(to: handle, scope: exported)
    }

    /// The sessions an export with this `tenant` parameter holds: that tenant's, or the ledger's
    /// scope when nil. A scoped ledger exports no other tenant's sessions.
    private func exportScope(_ tenant: String?) throws -> TenantScope {
        guard let tenant else { return scope }
        try scope.requireReaches(tenant: tenant)
        return .tenant(tenant)
    }
}

/// What an export or an import of one moved.
public struct ExportSummary: Sendable, Hashable, Codable {
    public var sessions: Int
    /// Every line, the header and the closing line included.
    public var lines: Int

    public init(sessions: Int, lines: Int) {
        self.sessions = sessions
        self.lines = lines
    }
}

/// Buffered JSON Lines output with a fixed key order (sorted), so exports are reproducible.
struct ExportWriter {
    private let handle: FileHandle
    private var buffer = Data()
    private let encoder: JSONEncoder
    private(set) var lines = 0

    init(handle: FileHandle) {
        self.handle = handle
        encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    mutating func write(_ line: some Encodable) throws {
        buffer.append(try encoder.encode(line))
        buffer.append(UInt8(ascii: "\n"))
        lines += 1
        if buffer.count > 1 << 20 { try flush() }
    }

    mutating func flush() throws {
        try handle.write(contentsOf: buffer)
        buffer.removeAll(keepingCapacity: true)
    }
}

extension Data {
    var hexString: String { map { String(format: "%02x", $0) }.joined() }
}
