import Testing

@testable import TurnLedger

/// A PostgreSQL store is named by a libpq-style URL; a URL that cannot name one is refused with
/// the part that is wrong, and the password never shows.
@Suite struct PostgresLocationTests {
    @Test func tcpAndSocketURLsNameTheirServerUserAndDatabase() throws {
        let tcp = try PostgresLocation(url: "postgres://agent:s3cret@db.internal:6432/ledger?sslmode=require")
        #expect(tcp.endpoint == .tcp(host: "db.internal", port: 6432))
        #expect(tcp.username == "agent" && tcp.password == "s3cret" && tcp.database == "ledger" && tcp.tls == .require)
        #expect(tcp.description == "postgres://agent@db.internal:6432/ledger")

        let socket = try PostgresLocation(url: "postgresql://postgres@/ledger?host=/run/postgresql")
        #expect(socket.endpoint == .socket(path: "/run/postgresql/.s.PGSQL.5432"))
        #expect(socket.password == nil && socket.tls == .prefer)
        #expect(socket.description == "postgres://postgres@/ledger?host=/run/postgresql")

        let defaults = try PostgresLocation(url: "postgres://u@localhost/d")
        #expect(defaults.endpoint == .tcp(host: "localhost", port: 5432))
        #expect(PostgresLocation.isURL("postgres://u@h/d") && !PostgresLocation.isURL("/tmp/ledger.sqlite"))
    }

    @Test(arguments: [
        ("postgres://localhost/d", "the URL names no user"),
        ("postgres://u@localhost", "the URL names no database"),
        ("postgres://u@localhost/", "the URL names no database"),
        ("postgres://u@/d", "the URL names no host"),
        ("postgres://u@h/d?sslmode=maybe", "sslmode 'maybe' is not one of disable, prefer, require"),
        ("postgres://u@h/d?port=0", "port '0' is not a port"),
        ("postgres://u@h/d?pool=9", "unknown parameter 'pool'"),
        ("mysql://u@h/d", "a PostgreSQL store is a URL"),
    ])
    func aURLThatCannotNameAStoreIsRefusedWithWhatIsWrong(url: String, reason: String) {
        #expect {
            try PostgresLocation(url: url)
        } throws: { error in
            guard case LedgerError.invalidInput(let field, let message) = error else { return false }
            return field == "store" && message.hasPrefix(reason)
        }
    }

    @Test func thePasswordIsNeverInAMessage() {
        #expect {
            try PostgresLocation(url: "postgres://u:hunter2@h/d?sslmode=maybe")
        } throws: { error in
            !"\(error)".contains("hunter2")
        }
    }
}
