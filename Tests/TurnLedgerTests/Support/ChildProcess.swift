import Foundation

/// A real child process whose stdout the test reads line by line.
final class ChildProcess {
    private let process: Process
    private let output: FileHandle
    private var buffer = Data()

    /// Where SwiftPM put the products of this build: the test binary's own directory.
    static var productsDirectory: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    }

    private init(process: Process, output: FileHandle) {
        self.process = process
        self.output = output
    }

    static func start(_ executable: URL, arguments: [String]) throws -> ChildProcess {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        return ChildProcess(process: process, output: pipe.fileHandleForReading)
    }

    /// Blocks until the child prints `line`; throws if it exits first.
    func waitForLine(_ line: String) throws {
        while true {
            if let text = String(data: buffer, encoding: .utf8), text.split(separator: "\n").contains(Substring(line)) {
                return
            }
            let chunk = output.availableData
            if chunk.isEmpty {
                throw ChildProcessError.exitedBefore(line, status: process.isRunning ? nil : process.terminationStatus)
            }
            buffer.append(chunk)
        }
    }

    /// Every line the child printed, read to the end: call it once the child has exited.
    func allLines() -> [String] {
        buffer.append(output.readDataToEndOfFile())
        return String(decoding: buffer, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// Kills the child with SIGKILL and waits for it to die.
    func kill() throws {
        guard Foundation.kill(process.processIdentifier, SIGKILL) == 0 else {
            throw ChildProcessError.killFailed(errno)
        }
        process.waitUntilExit()
    }

    var terminationSignal: Int32? {
        process.terminationReason == .uncaughtSignal ? process.terminationStatus : nil
    }
}

enum ChildProcessError: Error {
    case exitedBefore(String, status: Int32?)
    case killFailed(Int32)
}

extension ChildProcess {
    /// Runs a child process to its end on a thread of its own (not a cooperative one), and
    /// returns its exit status and everything it printed.
    static func run(_ executable: URL, arguments: [String]) async throws -> (status: Int32, stdout: Data) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                do {
                    let child = try start(executable, arguments: arguments)
                    let output = child.output.readDataToEndOfFile()
                    child.process.waitUntilExit()
                    continuation.resume(returning: (child.process.terminationStatus, output))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
