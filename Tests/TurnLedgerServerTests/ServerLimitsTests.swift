import Foundation
import Glibc
import Testing

/// The limits a public service needs (issue 14): idle and slow clients are closed, connections
/// past the maximum wait, tails per tenant are bounded; and protocol answers (405, a cancel
/// without a body). A real server on loopback.
@Suite struct ServerLimitsTests {
    /// A raw TCP connection whose reads give up after `timeout` seconds.
    final class RawConnection {
        let socket: Int32

        init(port: Int, timeout: Int = 10) throws {
            socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var limit = timeval(tv_sec: timeout, tv_usec: 0)
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
        }

        func send(_ text: String) { _ = text.withCString { Glibc.send(socket, $0, strlen($0), Int32(MSG_NOSIGNAL)) } }

        /// What the server sent, or nil when the read timed out; empty when it closed.
        func receive() -> String? {
            var bytes = [UInt8](repeating: 0, count: 65536)
            let count = recv(socket, &bytes, bytes.count, 0)
            guard count >= 0 else { return nil }
            return String(decoding: bytes.prefix(count), as: UTF8.self)
        }

        deinit { Glibc.close(socket) }
    }

    @Test func idleAndSlowClientsAreClosed() throws {
        let server = try ServerProcess()
        defer { server.remove() }
        let http = try server.start("--idle-timeout", "1")
        let idle = try RawConnection(port: http.port)
        #expect(idle.receive() == "")  // closed by the server, not by the 10 s read timeout

        let slow = try RawConnection(port: http.port)
        slow.send("GET /healthz HTTP/1.1\r\nHost: x\r\n")
        var closed = false
        for _ in 0..<20 where !closed {  // a header byte every 0.3 s: never a whole head
            slow.send("X")
            usleep(300_000)
            var probe = pollfd(fd: slow.socket, events: Int16(POLLIN), revents: 0)
            if poll(&probe, 1, 0) > 0 { closed = slow.receive()?.isEmpty ?? false }
        }
        #expect(closed)
        #expect(try http.get("/healthz").status == 200)  // and the server serves on
    }

    /// A head trickling in a byte at a time never counts as idle; the header-read timeout closes
    /// it, while a keep-alive connection that sends nothing is left to the idle timeout.
    @Test func aHeadMustArriveWithinTheHeaderTimeoutOnceItStarts() throws {
        let server = try ServerProcess()
        defer { server.remove() }
        let http = try server.start("--header-timeout", "1", "--idle-timeout", "30")
        let keepAlive = try RawConnection(port: http.port, timeout: 3)
        keepAlive.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(keepAlive.receive()?.hasPrefix("HTTP/1.1 200") == true)

        let slow = try RawConnection(port: http.port, timeout: 3)
        let start = Date()
        var closedAfter: TimeInterval?
        slow.send("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        for _ in 0..<40 where closedAfter == nil {  // a byte every 0.1 s, the head never ends
            usleep(100_000)
            slow.send("a")
            var probe = pollfd(fd: slow.socket, events: Int16(POLLIN), revents: 0)
            if poll(&probe, 1, 0) > 0, slow.receive()?.isEmpty ?? true { closedAfter = Date().timeIntervalSince(start) }
        }
        #expect(closedAfter.map { $0 >= 0.9 && $0 < 3 } == true, "closed after \(String(describing: closedAfter)) s")

        // The served keep-alive connection sent nothing since: still open, and served again.
        keepAlive.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(keepAlive.receive()?.hasPrefix("HTTP/1.1 200") == true, "idle for 4 s, under the idle timeout")
    }

    @Test func connectionsPastTheMaximumAreRefusedAtOnceAndTheServerStaysResponsive() throws {
        let server = try ServerProcess()
        defer { server.remove() }
        let http = try server.start("--max-connections", "2")
        var held = [try RawConnection(port: http.port), try RawConnection(port: http.port)]
        usleep(200_000)
        let refused = try RawConnection(port: http.port, timeout: 2)
        refused.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        let start = Date()
        let answer = refused.receive() ?? ""
        #expect(answer.hasPrefix("HTTP/1.1 503") && answer.contains("too_many_connections"), "\(answer)")
        #expect(Date().timeIntervalSince(start) < 1.5, "refused at once, not after a wait")
        held[0].send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")  // the two it has are still served
        #expect(held[0].receive()?.hasPrefix("HTTP/1.1 200") == true)
        held.removeAll()  // closes them: new connections are served again
        var reply = ""
        for _ in 0..<20 where !reply.hasPrefix("HTTP/1.1 200") {
            usleep(100_000)
            let next = try RawConnection(port: http.port, timeout: 2)
            next.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            reply = next.receive() ?? ""
        }
        #expect(reply.hasPrefix("HTTP/1.1 200"), "\(reply)")
    }

    /// The issue's finding: thousands of connections (up to the descriptor limit) stalled the
    /// server. With the gate, connections past the limit are answered and closed, the held ones
    /// are still served, and the idle server burns no CPU.
    @Test func aThousandConnectionsPastTheLimitNeitherStallNorSpinTheServer() throws {
        let server = try ServerProcess()
        defer { server.remove() }
        let http = try server.start("--max-connections", "100")
        var held: [RawConnection] = []
        var refused = 0
        for _ in 0..<1_100 {
            let connection = try RawConnection(port: http.port, timeout: 2)
            held.append(connection)
        }
        usleep(500_000)
        for connection in held.suffix(200) {
            if connection.receive()?.hasPrefix("HTTP/1.1 503") == true { refused += 1 }
        }
        #expect(refused == 200, "the last 200 of 1,100 connections are refused at once")
        held[0].send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(held[0].receive()?.hasPrefix("HTTP/1.1 200") == true, "a held connection is still served")
        let cpuBefore = try Self.cpuSeconds(of: server.process.processIdentifier)
        sleep(2)
        let cpuAfter = try Self.cpuSeconds(of: server.process.processIdentifier)
        #expect(cpuAfter - cpuBefore < 0.5, "an idle server with 100 open connections does not spin: \(cpuAfter - cpuBefore) s")
    }

    @Test func aConnectionLimitPastWhatTheSystemAllowsIsRefusedAtStart() throws {
        let server = try ServerProcess()
        defer { server.remove() }
        do {
            _ = try server.start("--max-connections", "100000000")
            Issue.record("the server started")
        } catch ServerProcessError.exited(let stderr) {
            #expect(stderr.contains("--max-connections 100000000 needs") && stderr.contains("ulimit"), "\(stderr)")
        }
    }

    /// User and system CPU time of a process so far, from /proc.
    private static func cpuSeconds(of pid: Int32) throws -> Double {
        let stat = try String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
        let fields = stat[stat.index(after: stat.lastIndex(of: ")")!)...].split(separator: " ")
        let ticks = (Double(fields[11]) ?? 0) + (Double(fields[12]) ?? 0)  // utime, stime (fields 14, 15)
        return ticks / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    @Test func tailsPerTenantAreBoundedAndAClosedTailGivesItsSlotBack() throws {
        let server = try ServerProcess()
        defer { server.remove() }
        let http = try server.start("--max-tails-per-tenant", "1", "--tail-heartbeat", "1")
        #expect(try http.post("/v1/sessions", #"{"id":"s1"}"#).status == 201)
        let first = try http.stream("/v1/sessions/s1/events")
        let refused = try http.get("/v1/sessions/s1/events")
        #expect(refused.status == 429 && refused.errorCode == "too_many_tails", "\(refused.text)")
        first.close()
        var answer = ""
        var held: [RawConnection] = []
        for _ in 0..<50 where !answer.hasPrefix("HTTP/1.1 200") {  // the server learns the client left at its next write
            usleep(100_000)
            let tail = try RawConnection(port: http.port)
            tail.send("GET /v1/sessions/s1/events HTTP/1.1\r\nHost: x\r\n\r\n")
            answer = tail.receive() ?? ""
            held.append(tail)
        }
        #expect(answer.hasPrefix("HTTP/1.1 200"), "\(answer)")
    }

    @Test func metricsAreForTheOperatorsTenantOnly() throws {
        let server = try ServerProcess()
        defer { server.remove() }
        let acme = try server.createKey(tenant: "acme").secret
        let ops = try server.createKey(tenant: "ops").secret
        var http = try server.start("--metrics-tenant", "ops")
        http.bearer = acme
        #expect(try http.get("/metrics").status == 404)
        http.bearer = ops
        let metrics = try http.get("/metrics")
        #expect(metrics.status == 200 && metrics.text.contains("turnledger_"), "\(metrics.text.prefix(200))")
    }

    @Test func aWrongMethodIs405WithAllowAndACancelNeedsNoBody() throws {
        let server = try ServerProcess()
        defer { server.remove() }
        let http = try server.start()
        #expect(try http.post("/v1/sessions", #"{"id":"s1"}"#).status == 201)
        let wrong = try http.request("PUT", "/v1/sessions/s1")
        #expect(wrong.status == 405 && wrong.errorCode == "method_not_allowed", "\(wrong.text)")
        #expect(wrong.headers["allow"] == "GET, DELETE")
        #expect(try http.request("PUT", "/v1/nothing").status == 404)

        #expect(try http.post("/v1/sessions/s1/turn", AgentLoopTests.twoFetches).status == 201)
        let cancelled = try http.request("POST", "/v1/sessions/s1/turn/cancel", headers: ["Content-Length": "0"])
        #expect(cancelled.status == 200, "\(cancelled.text)")

        // A commit retried after a lost response, naming its turn with If-Match, learns it landed.
        let opened = try http.post("/v1/sessions/s1/turn", AgentLoopTests.twoFetches)
        let seq = try #require(opened.object["seq"] as? Int)
        for call in ["call_tK", "call_Qz"] {
            #expect(try http.post("/v1/sessions/s1/turn/results", #"{"callId":"\#(call)","content":"ok"}"#).status == 201)
        }
        let commit = try http.request("POST", "/v1/sessions/s1/turn/commit", headers: ["If-Match": "\"\(seq)\""])
        let again = try http.request("POST", "/v1/sessions/s1/turn/commit", headers: ["If-Match": "\"\(seq)\""])
        #expect(commit.status == 200 && again.status == 200 && again.object["seq"] as? Int == seq, "\(again.text)")
        #expect(try http.post("/v1/sessions/s1/turn/commit").status == 409)
    }
}
