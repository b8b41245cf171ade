import Foundation
import Testing

@testable import TurnLedgerServer

/// Times in query parameters are RFC 3339 date-times, read exactly.
@Suite struct RFC3339Tests {
    @Test func everyDateTimeOfTheGrammarIsReadExactly() throws {
        // The seconds are Python's datetime(...).timestamp(), proleptic Gregorian.
        let expected: [(String, Double)] = [
            ("1970-01-01T00:00:00Z", 0),
            ("2026-11-30T12:00:00.250+02:00", 1_796_032_800.25),
            ("2026-11-30t10:00:00z", 1_796_032_800),
            ("2000-02-29T23:59:59-00:30", 951_870_599),
            ("0336-01-26T01:09:45.558+21:05", -51_562_036_514.442),  // proleptic Gregorian (as Python), any offset
        ]
        for (text, seconds) in expected {
            let date = try #require(RFC3339.date(text), "\(text)")
            #expect(abs(date.timeIntervalSince1970 - seconds) < 0.0005, "\(text): \(date.timeIntervalSince1970)")
        }
        // Foundation agrees where it reads the text at all.
        let foundation = try Date("2026-11-30T12:00:00+02:00", strategy: .iso8601)
        #expect(RFC3339.date("2026-11-30T12:00:00+02:00") == foundation)
        for text in [
            "", "2026-11-30", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z", "2026-11-30T24:00:00Z",
            "2026-11-30T10:00:00", "2026-11-30T10:00:00+2:00", "2026-11-30T10:00:00.Z", "2026-11-30T10:00:00Zx",
        ] {
            #expect(RFC3339.date(text) == nil, "\(text)")
        }
    }
}
