import Foundation

/// Runs the built `turnledger` binary as a real process against one database file.
struct CLI {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String

        /// The stdout as JSON.
        func json() throws -> Any { try JSONSerialization.jsonObject(with: Data(stdout.utf8)) }
    }

    let directory: URL
    var database: String { directory.appendingPathComponent("cli.sqlite").path }

    init() throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("turnledger-cli-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Runs `turnledger ARGUMENTS --db FILE`, or without `--db` when `useDefaultDatabase`.
    func callAsFunction(_ arguments: String..., environment: [String: String] = [:], useDefaultDatabase: Bool = false)
        throws -> Run
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("turnledger")
        process.arguments = useDefaultDatabase ? arguments : arguments + ["--db", database]
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.currentDirectoryURL = directory
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus,
            stdout: String(decoding: stdout, as: UTF8.self),
            stderr: String(decoding: stderr, as: UTF8.self)
        )
    }
}
