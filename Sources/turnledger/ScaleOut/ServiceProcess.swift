import Foundation

/// A `turnledger serve` child process of the scale-out run, on a loopback port.
final class ServiceProcess: @unchecked Sendable {
    let store: String
    /// Its `--store-connections`.
    let connections: Int
    let log: URL
    private(set) var port: Int
    private var process: Process?

    var url: String { "http://127.0.0.1:\(port)" }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    init(store: String, connections: Int, port: Int = 0, log: URL) {
        self.store = store
        self.connections = connections
        self.port = port
        self.log = log
    }

    /// Starts the service (on its former port after a restart) and returns once it listens.
    func start() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ProcessInfo.processInfo.arguments[0]).resolvingSymlinksInPath()
        process.arguments = [
            "serve", "--store", store, "--store-connections", "\(connections)", "--port", "\(port)", "--log-level", "error",
        ]
        let output = Pipe()
        process.standardOutput = output
        if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
        let errors = try FileHandle(forWritingTo: log)
        errors.seekToEndOfFile()
        process.standardError = errors
        try process.run()
        self.process = process
        let line = try await Self.firstLine(of: output.fileHandleForReading)
        guard line.hasPrefix("listening on "), let address = line.range(of: "127.0.0.1:"),
            let bound = Int(line[address.upperBound...].prefix(while: \.isNumber))
        else {
            throw Failure(description: "turnledger serve did not start (see \(log.path)): \(line)")
        }
        port = bound
    }

    /// SIGKILL: the process ends at once, mid-request, as a crash would end it.
    func kill() {
        guard let process, process.isRunning else { return }
        Foundation.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    /// SIGTERM, and waits for the graceful stop.
    func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    /// The first line a pipe delivers, read off the cooperative threads.
    private static func firstLine(of handle: FileHandle) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                var buffer = Data()
                while !buffer.contains(UInt8(ascii: "\n")) {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    buffer.append(chunk)
                }
                let line = String(decoding: buffer.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
                continuation.resume(returning: line)
            }
        }
    }
}
