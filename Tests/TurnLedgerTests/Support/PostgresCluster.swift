import Foundation

/// A throwaway PostgreSQL cluster: `initdb` in a temporary directory, a server listening only on a
/// Unix socket in that directory, `stop()` to end it and remove everything. The binaries come from
/// `$TURNLEDGER_POSTGRES_BIN`, else `pg_config --bindir`, else the newest `/usr/lib/postgresql/*/bin`.
/// PostgreSQL refuses to run as root: as root (a CI container), the cluster belongs to the
/// unprivileged `postgres` user (or `nobody`) and its programs run as that user (`setpriv`).
final class PostgresCluster: @unchecked Sendable {  // set up in init; stop() is called once, by its owner
    let directory: URL
    private let binaries: URL
    private let owner: String?
    private let server = Process()
    /// False for a server someone else started (`.ci/run`): `stop()` leaves it alone.
    private let ownsServer: Bool

    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    enum Failure: Error, CustomStringConvertible {
        case noBinaries
        case command(String, Run)
        var description: String {
            switch self {
            case .noBinaries: "no PostgreSQL binaries: install postgresql, or set TURNLEDGER_POSTGRES_BIN"
            case .command(let command, let run): "\(command) exited \(run.status): \(run.stderr)"
            }
        }
    }

    /// A server already running with its Unix socket in `directory`, which `stop()` leaves running.
    init(attachingTo directory: URL) throws {
        binaries = try Self.binaries()
        owner = nil
        self.directory = directory
        ownsServer = false
        let reached = psql("postgres", "SELECT 1")
        guard reached.status == 0 else { throw Failure.command("psql -h \(directory.path)", reached) }
    }

    init() throws {
        ownsServer = true
        binaries = try Self.binaries()
        owner = getuid() == 0 ? (getpwnam("postgres") != nil ? "postgres" : "nobody") : nil
        directory = URL(fileURLWithPath: "/tmp").appendingPathComponent("turnledger-pg-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        if let owner { try Self.run(URL(fileURLWithPath: "/bin/chown"), [owner, directory.path]) }
        let data = directory.appendingPathComponent("data").path
        try Self.run(
            command("initdb"),
            arguments("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]))
        // The server is this process's own child, not a daemon of pg_ctl: stop() ends it, and
        // Foundation, which learns that a child exited through a descriptor the child inherits, is
        // never left waiting on a daemon that holds that descriptor.
        let log = directory.appendingPathComponent("log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        server.executableURL = command("postgres")
        server.arguments = arguments(
            "postgres", ["-D", data, "-k", directory.path, "-c", "listen_addresses=", "-c", "fsync=off", "-c", "max_connections=\(Self.maxConnections)"])
        server.standardOutput = try FileHandle(forWritingTo: log)
        server.standardError = try FileHandle(forWritingTo: log)
        try server.run()
        for _ in 0..<300 where server.isRunning && psql("postgres", "SELECT 1").status != 0 {
            usleep(100_000)
        }
        guard psql("postgres", "SELECT 1").status == 0 else {
            stop()
            throw Failure.command("postgres", Run(status: -1, stdout: "", stderr: "the server did not start"))
        }
    }

    /// The server's `max_connections`: the suites run at once, each ledger with its own pool, and
    /// the scale-out test adds three services; `.ci/run` starts its cluster with the same limit.
    static let maxConnections = 400

    /// Stops the server (a fast shutdown) and removes the cluster.
    func stop() {
        guard ownsServer else { return }
        if server.isRunning {
            kill(server.processIdentifier, SIGINT)
            server.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Creates an empty database and returns its name. `psql` runs on a thread of its own: the
    /// tests' cooperative threads (two on two cores) are not held while it runs, as every test on
    /// PostgreSQL creates a database and the other suites' awaits would wait for them.
    func createDatabase() async throws -> String {
        let name = "ledger_\(UUID().uuidString.prefix(8).lowercased())"
        let created = await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: self.psql("postgres", "CREATE DATABASE \(name)")) }.start()
        }
        guard created.status == 0 else { throw Failure.command("CREATE DATABASE", created) }
        return name
    }

    /// Runs SQL with `psql` as another client would: it stops at the first error (exit status 3).
    func psql(_ database: String, _ sql: String) -> Run {
        let arguments = [
            "-h", directory.path, "-U", "postgres", "-d", database, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql,
        ]
        return (try? Self.run(binaries.appendingPathComponent("psql"), arguments, check: false))
            ?? Run(status: -1, stdout: "", stderr: "psql did not run")
    }

    /// A program of the cluster, run as its owner through `setpriv`, which becomes the program.
    private func command(_ program: String) -> URL {
        owner == nil ? binaries.appendingPathComponent(program) : URL(fileURLWithPath: "/usr/bin/setpriv")
    }

    private func arguments(_ program: String, _ arguments: [String]) -> [String] {
        guard let owner, let user = getpwnam(owner) else { return arguments }
        return [
            "--reuid=\(user.pointee.pw_uid)", "--regid=\(user.pointee.pw_gid)", "--clear-groups", "--",
            binaries.appendingPathComponent(program).path,
        ] + arguments
    }

    /// Runs a program to its end; its output goes through files.
    @discardableResult
    private static func run(_ executable: URL, _ arguments: [String], check: Bool = true) throws -> Run {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pg-out-\(UUID().uuidString)")
        let err = FileManager.default.temporaryDirectory.appendingPathComponent("pg-err-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        // Foundation's Process.run on Linux crashed once (a bad pointer in memcpy) with many test
        // threads spawning psql at once: spawns go one at a time.
        try spawnLock.withLock { try process.run() }
        process.waitUntilExit()
        let run = Run(
            status: process.terminationStatus,
            stdout: String(decoding: try Data(contentsOf: out), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: err), as: UTF8.self))
        if check, run.status != 0 { throw Failure.command(([executable.path] + arguments).joined(separator: " "), run) }
        return run
    }

    private static func binaries() throws -> URL {
        if let path = ProcessInfo.processInfo.environment["TURNLEDGER_POSTGRES_BIN"] {
            return URL(fileURLWithPath: path)
        }
        if let run = try? run(URL(fileURLWithPath: "/usr/bin/env"), ["pg_config", "--bindir"]) {
            let path = run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            if FileManager.default.fileExists(atPath: path + "/initdb") { return URL(fileURLWithPath: path) }
        }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        guard let newest = versions.compactMap(Int.init).max() else { throw Failure.noBinaries }
        return URL(fileURLWithPath: "/usr/lib/postgresql/\(newest)/bin")
    }
}

/// Serializes process spawns of the test support (see ``PostgresCluster/run(_:_:check:)``).
private let spawnLock = NSLock()
