import Foundation
import Testing

/// The CLI as a user runs it: a real binary, a real file, exit statuses and stderr.
@Suite struct EndToEndTests {
    private let assistant = """
        {"role":"assistant","content":null,"tool_calls":[
          {"id":"call_QzOp1AlcssaIq18co1gngSe8","type":"function","function":{"name":"fetch","arguments":"{\\"url\\":\\"https://wttr.in/Moscow\\"}"}},
          {"id":"call_tKaDkhHGLPeg8gBmu8vuBZM1","type":"function","function":{"name":"fetch","arguments":"{\\"url\\":"}}
        ]}
        """

    @Test func aWholeToolTurnThroughTheCLI() throws {
        let cli = try CLI()
        defer { cli.remove() }
        #expect(try cli("sessions", "create", "s1", "--metadata", #"{"user":"42"}"#).status == 0)
        #expect(try cli("append", "s1", "--role", "system", "--text", "Be brief.").status == 0)
        let user = try cli("append", "s1", "--json", #"{"role":"user","content":"Какая погода в Москве?"}"#)
        #expect(user.status == 0)
        #expect((try user.json() as? [String: Any])?["seq"] as? Int == 2)

        let open = try cli("turn", "open", "s1", "--json", assistant)
        #expect(open.status == 0, "\(open.stderr)")
        #expect((try open.json() as? [String: Any])?["seq"] as? Int == 3)

        #expect(
            try cli(
                "turn", "result", "s1", "call_tKaDkhHGLPeg8gBmu8vuBZM1", "--content", "HTTP 403 Forbidden", "--error"
            ).status == 0)

        // Committing with a call unanswered fails, names it, and changes nothing.
        let early = try cli("turn", "commit", "s1")
        #expect(early.status == 1)
        #expect(
            early.stderr
                == "Error: The turn of session 's1' cannot be committed: no result for 'call_QzOp1AlcssaIq18co1gngSe8'.\n"
        )
        let blocked = try cli("append", "s1", "--role", "user", "--text", "Hello?")
        #expect(blocked.status == 1)
        #expect(blocked.stderr.contains("unanswered calls: 'call_QzOp1AlcssaIq18co1gngSe8'"))

        #expect(try cli("turn", "result", "s1", "call_QzOp1AlcssaIq18co1gngSe8", "--content", "").status == 0)
        #expect(try cli("turn", "commit", "s1").status == 0)

        let show = try cli("sessions", "show", "s1", "--json")
        let shown = try #require(try show.json() as? [String: Any])
        let entries = try #require(shown["entries"] as? [[String: Any]])
        #expect(entries.map { $0["role"] as? String } == ["system", "user", "assistant", "tool", "tool"])
        #expect(entries.compactMap { $0["outcome"] as? String } == ["success", "error"])
        let calls = try #require(entries[2]["toolCalls"] as? [[String: Any]])
        #expect(calls.map { $0["arguments"] as? String } == [#"{"url":"https://wttr.in/Moscow"}"#, #"{"url":"#])
        #expect(shown["openTurn"] == nil)

        let verify = try cli("verify")
        #expect(verify.status == 0)
        #expect(verify.stdout.hasPrefix("ok:"))
    }

    @Test func recoverListsOpenTurnsThenClosesThemAsInterrupted() throws {
        let cli = try CLI()
        defer { cli.remove() }
        _ = try cli("sessions", "create", "s1")
        _ = try cli("append", "s1", "--role", "user", "--text", "Go")
        _ = try cli("turn", "open", "s1", "--json", assistant)
        _ = try cli("turn", "result", "s1", "call_QzOp1AlcssaIq18co1gngSe8", "--content", "ok")

        let listed = try cli("recover")
        #expect(listed.stdout == "session s1: open turn at seq 2, unanswered: call_tKaDkhHGLPeg8gBmu8vuBZM1\n")
        // A turn written to a moment ago is not idle for an hour: nothing is closed.
        #expect(try cli("recover", "--interrupt", "--idle-for", "1h").stdout == "No open turn has been idle that long.\n")
        #expect(try cli("recover", "--idle-for", "1h").stderr.contains("--idle-for goes with --interrupt"))
        #expect(try cli("recover", "--interrupt", "--idle-for", "10x").status != 0)
        #expect(try cli("recover").stdout == listed.stdout)
        let closed = try cli("recover", "--interrupt", "--json")
        #expect(closed.status == 0)
        let turns = try #require(try closed.json() as? [[String: Any]])
        let results = try #require(turns.first?["results"] as? [[String: Any]])
        #expect(results.map { $0["outcome"] as? String } == ["success", "interrupted"])
        #expect(try cli("recover").stdout == "No open turns.\n")
    }

    @Test func badInputGivesOneLineOnStderrAndANonZeroStatus() throws {
        let cli = try CLI()
        defer { cli.remove() }
        _ = try cli("sessions", "create", "s1")

        let missing = try cli("append", "nope", "--role", "user", "--text", "Hi")
        #expect(missing.status == 1)
        #expect(missing.stderr == "Error: No session with id 'nope'.\n")

        let badMessage = try cli(
            "turn", "open", "s1", "--json", #"{"role":"assistant","tool_calls":[{"id":"c1","function":{"name":"f"}}]}"#)
        #expect(badMessage.status == 1)
        #expect(badMessage.stderr == "Error: Invalid tool_calls[0].function.arguments: is required.\n")

        let unknownCall = try cli("turn", "result", "s1", "call_x", "--content", "x")
        #expect(unknownCall.stderr == "Error: Session 's1' has no open turn.\n")

        let usage = try cli("append", "s1", "--text", "Hi")
        #expect(usage.status == 64)
        #expect(usage.stderr.contains("Give either --role and --text, or --json."))
        #expect(try cli("sessions", "show", "s1", "--json").stdout.contains(#""entries":[]"#))
    }

    @Test func verifyFailsAndNamesTheProblemOnADamagedDatabase() throws {
        let cli = try CLI()
        defer { cli.remove() }
        _ = try cli("demo", "--session", "d1")
        try Self.sqlite(
            cli.database,
            """
            PRAGMA foreign_keys = OFF;
            DROP TRIGGER toolResultIsAppendOnlyOnDelete;
            DELETE FROM toolResult WHERE position = 1;
            """)

        let verify = try cli("verify")
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("trigger toolResultIsAppendOnlyOnDelete is missing"))
        #expect(verify.stdout.contains("call 'call_tKaDkhHGLPeg8gBmu8vuBZM1' at position 1 has no result"))
    }

    @Test func theDatabaseComesFromTURNLEDGER_DBOrDefaultsToTheWorkingDirectory() throws {
        let cli = try CLI()
        defer { cli.remove() }
        let custom = cli.directory.appendingPathComponent("env.sqlite").path
        #expect(
            try cli("sessions", "create", "e1", environment: ["TURNLEDGER_DB": custom], useDefaultDatabase: true).status
                == 0)
        #expect(FileManager.default.fileExists(atPath: custom))
        #expect(try cli("sessions", "create", "w1", useDefaultDatabase: true).status == 0)
        #expect(FileManager.default.fileExists(atPath: cli.directory.appendingPathComponent("turnledger.sqlite").path))
    }

    @Test func processesWritingOneFileAtOnceWaitForEachOtherAndKeepSeqDense() async throws {
        let cli = try CLI()
        defer { cli.remove() }
        #expect(try cli("sessions", "create", "s1").status == 0)

        let runs = try await withThrowingTaskGroup(of: CLI.Run.self) { group in
            for writer in 0..<8 {
                group.addTask { try cli("append", "s1", "--role", "user", "--text", "from process \(writer)") }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }

        #expect(runs.map(\.status) == Array(repeating: 0, count: 8), "\(runs.map(\.stderr))")
        let seqs = try runs.map { try #require((try $0.json() as? [String: Any])?["seq"] as? Int) }
        #expect(seqs.sorted() == Array(1...8))
        #expect(try cli("verify").status == 0)
    }

    @Test func contextPrintsAProviderBodyAndImportRefusesTheRealFailure() throws {
        let cli = try CLI()
        defer { cli.remove() }
        _ = try cli("demo", "--session", "d1")

        for format in ["openai-chat", "openai-responses", "anthropic", "gemini"] {
            let context = try cli("context", "d1", "--format", format)
            #expect(context.status == 0, "\(context.stderr)")
            #expect(try context.json() is [String: Any])
            #expect(context.stdout.contains("HTTP 403 Forbidden"))
        }
        let windowed = try cli("context", "d1", "--format", "anthropic", "--max-tokens", "60")
        #expect(windowed.status == 0)
        #expect(windowed.stderr.hasPrefix("left out seqs 2-5"))

        let file = cli.directory.appendingPathComponent("history.json")
        try Data(
            #"""
            [{"role":"user","content":"Какая погода в Москве? Также, кто такой Путин?"},
             {"role":"assistant","content":null,"tool_calls":[
               {"id":"call_QzOp1AlcssaIq18co1gngSe8","type":"function","function":{"name":"fetch","arguments":"{}"}},
               {"id":"call_tKaDkhHGLPeg8gBmu8vuBZM1","type":"function","function":{"name":"fetch","arguments":"{}"}}]},
             {"role":"user","content":"You attempted to help..."}]
            """#.utf8
        ).write(to: file)
        let refused = try cli("import", "i1", file.path, "--format", "openai-chat")
        #expect(refused.status == 1)
        #expect(
            refused.stderr
                == "Error: The history is refused at messages[1]: the assistant message's tool_calls are not all "
                + "answered before messages[2] (user); unanswered calls: 'call_QzOp1AlcssaIq18co1gngSe8', 'call_tKaDkhHGLPeg8gBmu8vuBZM1'.\n"
        )

        let exported = cli.directory.appendingPathComponent("d1.json")
        try Data(try cli("context", "d1", "--format", "anthropic").stdout.utf8).write(to: exported)
        let imported = try cli("import", "copy", exported.path, "--format", "anthropic")
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect((try imported.json() as? [String: Any])?["entries"] as? Int == 6)
        #expect(
            try cli("context", "copy", "--format", "anthropic").stdout
                == cli("context", "d1", "--format", "anthropic").stdout)
    }

    /// Edits a database as any SQLite client would, through the sqlite3 C API.
    private static func sqlite(_ path: String, _ sql: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sqlite3", path, sql]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
