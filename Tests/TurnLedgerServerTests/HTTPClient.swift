import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A minimal HTTP/1.1 client over a TCP socket to the server under test: one request per
/// connection (`Connection: close`), fixed and chunked bodies, and incremental reads for
/// Server-Sent Events.
struct HTTPClient {
    let port: Int
    var bearer: String?

    struct Reply {
        var status: Int
        var headers: [String: String]  // lowercased names
        var body: Data

        var text: String { String(decoding: body, as: UTF8.self) }
        func json() throws -> Any { try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed]) }
        var object: [String: Any] { ((try? json()) as? [String: Any]) ?? [:] }
        var array: [[String: Any]] { ((try? json()) as? [[String: Any]]) ?? [] }
        /// The `code` of the error body.
        var errorCode: String? { (object["error"] as? [String: Any])?["code"] as? String }
        var errorMessage: String? { (object["error"] as? [String: Any])?["message"] as? String }
        /// The parameter or body field a `422 invalid_input` names.
        var errorField: String? {
            ((object["error"] as? [String: Any])?["details"] as? [String: Any])?["field"] as? String
        }
    }

    func get(_ path: String, headers: [String: String] = [:]) throws -> Reply {
        try request("GET", path, headers: headers)
    }

    func post(_ path: String, _ json: String? = nil, headers: [String: String] = [:]) throws -> Reply {
        try request("POST", path, body: json.map { Data($0.utf8) }, headers: headers)
    }

    func delete(_ path: String) throws -> Reply {
        try request("DELETE", path)
    }

    func request(_ method: String, _ path: String, body: Data? = nil, headers: [String: String] = [:]) throws -> Reply {
        let connection = try Connection(port: port)
        defer { connection.close() }
        try connection.send(head(method, path, body: body, headers: headers) + (body ?? Data()))
        return try connection.readReply()
    }

    /// Opens a live tail and returns the connection after the response head.
    func stream(_ path: String, headers: [String: String] = [:]) throws -> Connection {
        let connection = try Connection(port: port)
        try connection.send(head("GET", path, body: nil, headers: headers))
        _ = try connection.readHead()
        return connection
    }

    private func head(_ method: String, _ path: String, body: Data?, headers: [String: String]) -> Data {
        var lines = ["\(method) \(path) HTTP/1.1", "Host: 127.0.0.1:\(port)", "Connection: close"]
        if let body { lines += ["Content-Type: application/json", "Content-Length: \(body.count)"] }
        if let bearer { lines.append("Authorization: Bearer \(bearer)") }
        lines += headers.map { "\($0): \($1)" }
        return Data((lines.joined(separator: "\r\n") + "\r\n\r\n").utf8)
    }

    /// One TCP connection to the server.
    final class Connection {
        private let socket: Int32
        private var buffer = Data()

        init(port: Int) throws {
            socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard result == 0 else { throw HTTPClientError.connect(errno) }
        }

        func send(_ data: Data) throws {
            try data.withUnsafeBytes { raw in
                var sent = 0
                while sent < raw.count {
                    let n = Glibc.send(socket, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                    guard n > 0 else { throw HTTPClientError.closed }
                    sent += n
                }
            }
        }

        /// Reads more bytes; false at the end of the stream.
        private func fill() throws -> Bool {
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = recv(socket, &chunk, chunk.count, 0)
            if n < 0 { throw HTTPClientError.timeout }
            if n == 0 { return false }
            buffer.append(contentsOf: chunk[0..<n])
            return true
        }

        func readLine() throws -> String? {
            while true {
                if let range = buffer.firstRange(of: Data("\r\n".utf8)) {
                    let line = String(decoding: buffer[buffer.startIndex..<range.lowerBound], as: UTF8.self)
                    buffer.removeSubrange(buffer.startIndex..<range.upperBound)
                    return line
                }
                guard try fill() else { return nil }
            }
        }

        func readHead() throws -> (status: Int, headers: [String: String]) {
            guard let statusLine = try readLine() else { throw HTTPClientError.closed }
            let status = Int(statusLine.split(separator: " ")[1]) ?? 0
            var headers: [String: String] = [:]
            while let line = try readLine(), !line.isEmpty {
                guard let colon = line.firstIndex(of: ":") else { continue }
                headers[line[..<colon].lowercased()] = line[line.index(after: colon)...]
                    .trimmingCharacters(in: .whitespaces)
            }
            isChunked = headers["transfer-encoding"]?.contains("chunked") == true
            return (status, headers)
        }

        private var isChunked = false

        func readReply() throws -> Reply {
            let (status, headers) = try readHead()
            var body = Data()
            if let length = headers["content-length"].flatMap(Int.init) {
                while buffer.count < length { guard try fill() else { break } }
                body = buffer.prefix(length)
            } else if isChunked {
                while let chunk = try readChunk() { body.append(chunk) }
            } else {
                while try fill() {}
                body = buffer
            }
            return Reply(status: status, headers: headers, body: body)
        }

        /// The next chunk of a chunked body, nil after the last.
        func readChunk() throws -> Data? {
            guard let sizeLine = try readLine(), let size = Int(sizeLine, radix: 16), size > 0 else { return nil }
            while buffer.count < size + 2 { guard try fill() else { throw HTTPClientError.closed } }
            let chunk = buffer.prefix(size)
            buffer.removeSubrange(buffer.startIndex..<(buffer.startIndex + size + 2))
            return Data(chunk)
        }

        /// The next Server-Sent Event's fields (comments skipped), nil when the stream ends.
        func nextEvent() throws -> [String: String]? {
            var event: [String: String] = [:]
            while true {
                while let range = pending.firstRange(of: Data("\n".utf8)) {
                    let line = String(decoding: pending[pending.startIndex..<range.lowerBound], as: UTF8.self)
                    pending.removeSubrange(pending.startIndex..<range.upperBound)
                    if line.isEmpty {
                        if event["data"] != nil { return event }  // a block without data (retry:) dispatches nothing
                        event = [:]
                        continue
                    }
                    if line.hasPrefix(":") { continue }
                    let parts = line.split(separator: ":", maxSplits: 1)
                    event[String(parts[0])] = parts.count > 1 ? String(parts[1].dropFirst()) : ""
                }
                guard let chunk = try readChunk() else { return nil }
                pending.append(chunk)
            }
        }

        private var pending = Data()

        func close() { Glibc.close(socket) }
    }
}

enum HTTPClientError: Error {
    case connect(Int32)
    case closed
    case timeout
}
