import Foundation
import Testing

/// The history commands as a user runs them: listing, show --as-of, search, tool stats, fork,
/// export and import, purge.
@Suite struct HistoryCommandsTests {
    /// A session `s1` with a user question and a turn of two calls, one of them an error (seqs 1...4).
    private func conversation(_ cli: CLI) throws {
        #expect(
            try cli("sessions", "create", "s1", "--tenant", "acme", "--metadata", #"{"channel":"slack"}"#).status == 0)
        #expect(try cli("append", "s1", "--role", "user", "--text", "Какая погода в Москве?").status == 0)
        let open = try cli(
            "turn", "open", "s1", "--json",
            #"{"role":"assistant","content":null,"tool_calls":[{"id":"a","type":"function","function":{"name":"fetch","arguments":"{}"}},{"id":"b","type":"function","function":{"name":"fetch","arguments":"{}"}}]}"#
        )
        #expect(open.status == 0, "\(open.stderr)")
        #expect(try cli("turn", "result", "s1", "a", "--content", "Снег, −3°C").status == 0)
        // The last result and the commit in one write: it prints the committed turn.
        let last = try cli("turn", "result", "s1", "b", "--content", "HTTP 403 Forbidden", "--error", "--commit")
        #expect(last.status == 0, "\(last.stderr)")
        #expect(try #require(try last.json() as? [String: Any])["isCommitted"] as? Bool == true)
    }

    @Test func listShowSearchAndStats() throws {
        let cli = try CLI()
        defer { cli.remove() }
        try conversation(cli)
        #expect(try cli("sessions", "create", "s2").status == 0)

        let listed = try cli("sessions", "list", "--tenant", "acme", "--meta", "channel=slack", "--json")
        let page = try #require(try listed.json() as? [String: Any])
        let sessions = try #require(page["sessions"] as? [[String: Any]])
        #expect(sessions.count == 1 && sessions.first?["lastSeq"] as? Int == 4)
        let paged = try cli("sessions", "list", "--limit", "1")
        #expect(paged.stdout.hasPrefix("s2\t") && paged.stderr.hasPrefix("more: --cursor "))

        let asOf = try cli("show", "s1", "--as-of", "1")
        #expect(asOf.status == 0 && asOf.stdout.split(separator: "\n").count == 1)
        let inside = try cli("show", "s1", "--as-of", "2")
        #expect(inside.status == 1 && inside.stderr.contains("inside the turn 2...4"))

        let search = try cli("search", "москве")
        #expect(search.stdout == "s1\t1\tmessage\tuser\t-\tКакая погода в [Москве]?\n")
        let errors = try cli("search", "forbidden", "--role", "tool", "--tool", "fetch", "--json")
        #expect((try errors.json() as? [[String: Any]])?.first?["seq"] as? Int == 4)

        let stats = try cli("tools", "stats", "--json")
        let fetch = try #require((try stats.json() as? [[String: Any]])?.first)
        #expect(fetch["name"] as? String == "fetch" && fetch["calls"] as? Int == 2 && fetch["errors"] as? Int == 1)
    }

    @Test func compactPrintsTheSummaryAndRefusesARangeThatSplitsATurn() throws {
        let cli = try CLI()
        defer { cli.remove() }
        try conversation(cli)  // the turn at 2...4

        let split = try cli("compact", "s1", "--from", "1", "--to", "3", "--text", "short")
        #expect(split.status == 1)
        #expect(split.stderr.contains("the turn at seq 2 spans 2...4; a summary must cover whole turns"))
        let backwards = try cli("compact", "s1", "--from", "3", "--to", "1", "--text", "x")
        #expect(backwards.status == 64 && backwards.stderr.contains("--from must not be after --to."))
        let summary = try cli(
            "compact", "s1", "--from", "1", "--to", "4", "--text", "Weather: snow, −3°C.", "--role", "system")
        #expect(summary.status == 0, "\(summary.stderr)")
        let entry = try #require(try summary.json() as? [String: Any])
        #expect(entry["seq"] as? Int == 5 && entry["role"] as? String == "system")
        #expect(entry["summarizes"] as? [Int] == [1, 4])
        let context = try cli("context", "s1", "--format", "anthropic")
        #expect(context.status == 0 && context.stdout.contains("Weather: snow") && !context.stdout.contains("HTTP 403"))
    }

    @Test func rewindTakesTheHistoryBackAndShowAsOfKeepsWhatWasThere() throws {
        let cli = try CLI()
        defer { cli.remove() }
        try conversation(cli)

        let inside = try cli("rewind", "s1", "--to", "3")
        #expect(inside.status == 1 && inside.stderr.contains("inside the turn 2...4"))
        let rewound = try cli("rewind", "s1", "--to", "1")
        #expect(rewound.status == 0, "\(rewound.stderr)")
        let marker = try #require(try rewound.json() as? [String: Any])
        #expect(marker["seq"] as? Int == 5 && marker["rewindsTo"] as? Int == 1)
        let context = try cli("context", "s1", "--format", "openai-chat")
        #expect(context.status == 0 && !context.stdout.contains("HTTP 403") && context.stdout.contains("Какая погода"))
        #expect(try cli("show", "s1", "--as-of", "4").stdout.contains("HTTP 403 Forbidden"))
        #expect(try cli("verify").status == 0)
    }

    @Test func forkExportImportAndPurge() throws {
        let cli = try CLI()
        defer { cli.remove() }
        try conversation(cli)

        let fork = try cli("fork", "s1", "--at", "4", "--as", "s1b")
        #expect(fork.status == 0, "\(fork.stderr)")
        #expect(try cli("append", "s1b", "--role", "user", "--text", "And tomorrow?").status == 0)
        let exported = try cli("export", "--output", "export.jsonl")
        #expect(exported.status == 0 && exported.stderr == "exported 2 sessions, 9 lines\n")
        let stdout = try cli("export")
        #expect(
            try stdout.stdout
                == String(contentsOf: cli.directory.appendingPathComponent("export.jsonl"), encoding: .utf8))

        let other = try CLI()
        defer { other.remove() }
        let file = cli.directory.appendingPathComponent("export.jsonl").path
        let imported = try other("import", "--format", "turnledger", file)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try other("export").stdout == stdout.stdout)
        #expect(try other("verify").status == 0)
        let again = try other("import", "--format", "turnledger", file)
        #expect(again.status == 1 && again.stderr.contains("Export line 2: A session with id 's1' exists already."))

        let refused = try cli("purge", "s1", "--reason", "erasure request")
        #expect(refused.status == 1 && refused.stderr.contains("has forks 's1b'"))
        let purged = try cli("purge", "s1", "--reason", "erasure request", "--requested-by", "dpo", "--including-forks")
        #expect(purged.status == 0, "\(purged.stderr)")
        #expect((try purged.json() as? [[String: Any]])?.map { $0["sessionId"] as? String } == ["s1b", "s1"])
        let audit = try cli("purge", "--audit")
        #expect((try audit.json() as? [[String: Any]])?.count == 2)
        #expect(try cli("sessions", "list").stdout == "")
    }
}
