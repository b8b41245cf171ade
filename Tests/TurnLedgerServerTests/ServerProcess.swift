import Foundation
import Testing

/// `turnledger serve` as a real child process on a free loopback port, with its own database.
final class ServerProcess {
    let directory: URL
    let database: String
    let process = Process()
    private let output = Pipe()
    private let errors = Pipe()
    private(set) var port = 0

    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("turnledger")
    }

    init(directory: URL? = nil) throws {
        self.directory =
            directory
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("turnledger-server-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        database = self.directory.appendingPathComponent("server.sqlite").path
    }

    /// Runs `turnledger ARGUMENTS --db FILE` to completion (e.g. `keys create`).
    func cli(_ arguments: String...) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments + ["--db", database]
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self)
        )
    }

    /// Creates an API key of `tenant` with the CLI: its id and its secret.
    func createKey(tenant: String) throws -> (id: String, secret: String) {
        let created = try cli("keys", "create", "--tenant", tenant)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(created.stdout.utf8)) as? [String: Any])
        let secret = try #require(object["secret"] as? String)
        let id = try #require((object["key"] as? [String: Any])?["id"] as? String)
        return (id, secret)
    }

    /// Starts the server and waits for its "listening on" line.
    func start(_ extra: String...) throws -> HTTPClient {
        process.executableURL = Self.binary
        process.arguments = ["serve", "--port", "0", "--db", database] + extra
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        var seen = Data()
        while true {
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw ServerProcessError.exited(stderr: readErrors()) }
            seen.append(chunk)
            let text = String(decoding: seen, as: UTF8.self)
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on http://") }),
                let address = line.split(separator: " ").dropFirst(2).first,  // http://127.0.0.1:PORT
                let port = Int(address.split(separator: ":").last ?? "")
            {
                self.port = port
                self.firstLine = String(line)
                return HTTPClient(port: port)
            }
        }
    }

    private(set) var firstLine = ""

    /// Sends SIGTERM and waits for the exit; returns the status.
    func stop() -> Int32 {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    func readErrors() -> String {
        String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    func remove() {
        if process.isRunning { _ = stop() }
        try? FileManager.default.removeItem(at: directory)
    }
}

enum ServerProcessError: Error {
    case exited(stderr: String)
}
