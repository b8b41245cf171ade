#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The open-file limit of this process, made room for `--max-connections`.
enum DescriptorLimit {
    /// Descriptors beside the connections: the database and its WAL, logs, connections being
    /// refused, the listening socket.
    static let reserve = 256

    /// Raises the soft `RLIMIT_NOFILE` toward the hard one when `connections` need more than it
    /// allows, so the gate (not the kernel's `EMFILE`) is what refuses a connection.
    ///
    /// - Throws: ``LedgerServer/StartError`` when even the hard limit is too low.
    static func makeRoom(for connections: Int) throws {
        var limit = rlimit()
        guard getrlimit(resource, &limit) == 0 else { return }
        let needed = rlim_t(connections + reserve)
        guard limit.rlim_cur < needed else { return }
        let raised = min(needed, limit.rlim_max)  // RLIM_INFINITY is the largest rlim_t
        var wanted = limit
        wanted.rlim_cur = raised
        if raised < needed || setrlimit(resource, &wanted) != 0 {
            throw LedgerServer.StartError(
                description: "--max-connections \(connections) needs \(needed) open files, but this process may have "
                    + "\(limit.rlim_max) (ulimit -Hn). Lower --max-connections or raise the limit.")
        }
    }

    #if canImport(Glibc)
        private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    #else
        private static let resource = RLIMIT_NOFILE
    #endif
}
