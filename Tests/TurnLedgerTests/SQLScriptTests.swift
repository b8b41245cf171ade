import Foundation
import Testing

@testable import TurnLedger

/// A PostgreSQL migration is cut into statements at the `;`s outside quotes, dollar-quoted
/// bodies and comments.
@Suite struct SQLScriptTests {
    @Test func statementsEndAtSemicolonsOutsideQuotesBodiesAndComments() {
        let script = SQLScript(
            """
            -- a comment; not a statement
            CREATE TABLE t (x text DEFAULT 'a;b', "odd;name" int);
            /* a block; /* nested; */ still a comment; */
            CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'no; never'; END $$;
            CREATE FUNCTION g() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$;
            INSERT INTO t VALUES ('it''s; fine', 1);
            PREPARE p AS SELECT $1::int;
            SELECT 1 AS a$b; SELECT 2 AS c$d;
              ;
            SELECT 'no semicolon at the end'
            """)
        #expect(
            script.statements == [
                "-- a comment; not a statement\nCREATE TABLE t (x text DEFAULT 'a;b', \"odd;name\" int)",
                "/* a block; /* nested; */ still a comment; */\nCREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN RAISE EXCEPTION 'no; never'; END $$",
                "CREATE FUNCTION g() RETURNS int LANGUAGE sql AS $body$ SELECT 1; $body$",
                "INSERT INTO t VALUES ('it''s; fine', 1)",
                "PREPARE p AS SELECT $1::int",
                "SELECT 1 AS a$b",
                "SELECT 2 AS c$d",
                "SELECT 'no semicolon at the end'",
            ])
    }

    @Test func theEmbeddedSchemaSplitsIntoWholeStatements() throws {
        for migration in PostgresMigrator.migrations {
            let text = String(decoding: migration.sql, as: UTF8.self)
            let statements = SQLScript(text).statements
            #expect(statements.count > 50)
            // Every function body stays whole: its statement opens and closes its dollar quote.
            for statement in statements {
                #expect(statement.components(separatedBy: "$$").count % 2 == 1, "\(statement.prefix(80))")
            }
            // Nothing is lost but the separators and blank space between statements.
            let kept = statements.joined().filter { !$0.isWhitespace && $0 != ";" }
            #expect(kept == text.filter { !$0.isWhitespace && $0 != ";" }.replacingOccurrences(of: ";", with: ""))
        }
    }
}
