import ArgumentParser

@main
struct TurnLedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "turnledger",
        abstract: "A persistent conversation store for LLM agents, on SQLite.",
        discussion: """
            Every command opens the SQLite file named by --db (default: $TURNLEDGER_DB, else \
            ./turnledger.sqlite), creating it when missing. Commands that write print what they \
            wrote as one JSON line; read commands print text, or JSON with --json. Errors go to \
            stderr as one line, with a non-zero exit status.
            """,
        subcommands: [
            SessionsCommand.self,
            SessionsCommand.Show.self,
            AppendCommand.self,
            TurnCommand.self,
            ContextCommand.self,
            ImportCommand.self,
            SearchCommand.self,
            ToolsCommand.self,
            ForkCommand.self,
            RewindCommand.self,
            CompactCommand.self,
            ExportCommand.self,
            PurgeCommand.self,
            ServeCommand.self,
            KeysCommand.self,
            SoakCommand.self,
            SoakWriterCommand.self,
            RecoverCommand.self,
            VerifyCommand.self,
            DemoCommand.self,
            BenchCommand.self,
            LoadCommand.self,
            ScaleBenchCommand.self,
            ScaleOutCommand.self,
        ]
    )
}
