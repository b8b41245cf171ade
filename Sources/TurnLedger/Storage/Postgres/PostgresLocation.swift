import Foundation
import PostgresNIO

/// Where a PostgreSQL ledger lives, from a connection URL as libpq writes it:
///
/// - `postgres://user:password@host:5432/database` (TCP; `?sslmode=disable|prefer|require`,
///   default `prefer`);
/// - `postgres://user@/database?host=/run/postgresql` (a Unix socket: `host` names the socket's
///   directory, the port its file, `.s.PGSQL.5432`).
///
/// `postgresql://` is the same. The password is never part of ``description``.
package struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    package enum Endpoint: Sendable, Equatable {
        case tcp(host: String, port: Int)
        case socket(path: String)
    }

    package enum TLSMode: String, Sendable, Equatable {
        case disable, prefer, require
    }

    package var endpoint: Endpoint
    package var username: String
    package var password: String?
    package var database: String
    package var tls: TLSMode

    /// Whether `text` names a PostgreSQL store rather than an SQLite file.
    package static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// - Throws: ``LedgerError/invalidInput(field:reason:)`` (field `store`) naming what is wrong.
    package init(url text: String) throws {
        func refuse(_ reason: String) -> LedgerError { .invalidInput(field: "store", reason: reason) }
        guard Self.isURL(text), let url = URLComponents(string: text) else {
            throw refuse("a PostgreSQL store is a URL such as postgres://user@host:5432/database")
        }
        let parameters = Dictionary(
            (url.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
        for name in parameters.keys where !["host", "port", "sslmode", "user", "password"].contains(name) {
            throw refuse("unknown parameter '\(name)' (known: host, port, sslmode, user, password)")
        }
        let port = try parameters["port"].map { value in
            guard let port = Int(value), (1...65535).contains(port) else { throw refuse("port '\(value)' is not a port") }
            return port
        } ?? url.port ?? 5432
        guard let username = parameters["user"] ?? url.user.flatMap({ $0.isEmpty ? nil : $0 }) else {
            throw refuse("the URL names no user (postgres://USER@host/database)")
        }
        let database = String(url.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw refuse("the URL names no database (postgres://user@host/DATABASE)")
        }
        guard let tls = TLSMode(rawValue: parameters["sslmode"] ?? "prefer") else {
            throw refuse("sslmode '\(parameters["sslmode"] ?? "")' is not one of disable, prefer, require")
        }
        let host = parameters["host"] ?? url.host ?? ""
        if host.hasPrefix("/") {
            endpoint = .socket(path: (host as NSString).appendingPathComponent(".s.PGSQL.\(port)"))
        } else if !host.isEmpty {
            endpoint = .tcp(host: host, port: port)
        } else {
            throw refuse("the URL names no host (postgres://user@HOST/database, or ?host=/socket/directory)")
        }
        self.username = username
        self.password = parameters["password"] ?? url.password
        self.database = database
        self.tls = tls
    }

    /// The URL without its password.
    package var description: String {
        switch endpoint {
        case .tcp(let host, let port): "postgres://\(username)@\(host):\(port)/\(database)"
        case .socket(let path): "postgres://\(username)@/\(database)?host=\((path as NSString).deletingLastPathComponent)"
        }
    }

    /// The configuration of one connection outside the pool (the commit listener's).
    func connectionConfiguration() throws -> PostgresConnection.Configuration {
        switch endpoint {
        case .socket(let path):
            return PostgresConnection.Configuration(
                unixSocketPath: path, username: username, password: password, database: database)
        case .tcp(let host, let port):
            let tls: PostgresConnection.Configuration.TLS
            switch self.tls {
            case .disable: tls = .disable
            case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
            case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
            }
            return PostgresConnection.Configuration(
                host: host, port: port, username: username, password: password, database: database, tls: tls)
        }
    }

    /// The client configuration postgres-nio connects with.
    package var clientConfiguration: PostgresClient.Configuration {
        switch endpoint {
        case .socket(let path):
            return PostgresClient.Configuration(
                unixSocketPath: path, username: username, password: password, database: database)
        case .tcp(let host, let port):
            let tls: PostgresClient.Configuration.TLS =
                switch self.tls {
                case .disable: .disable
                case .prefer: .prefer(.makeClientConfiguration())
                case .require: .require(.makeClientConfiguration())
                }
            return PostgresClient.Configuration(
                host: host, port: port, username: username, password: password, database: database, tls: tls)
        }
    }
}
