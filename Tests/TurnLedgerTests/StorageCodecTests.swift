import Foundation
import GRDB
import Testing

@testable import TurnLedger

@Suite struct StorageCodecTests {
    @Test func timestampsFormatAsGRDBDoesAndParseBackExactly() throws {
        var generator = SystemRandomNumberGenerator()
        let samples =
            [Int64(0), -1, 951_782_400_000, 4_102_444_799_999, -2_208_988_800_001]
            + (0..<2000).map { _ in Int64.random(in: -5_000_000_000_000...5_000_000_000_000, using: &generator) }
        for milliseconds in samples {
            let date = Timestamp.date(milliseconds: milliseconds)
            let text = Timestamp.format(date)
            #expect(text == String.fromDatabaseValue(date.databaseValue), "\(milliseconds)")
            #expect(Timestamp.parse(text) == date, "\(text)")
        }
        #expect(Timestamp.parse("2026-11-25 01:02:03") == Timestamp.date(milliseconds: 1_795_568_523_000))
        #expect(Timestamp.parse("not a date") == nil)
    }

    @Test(arguments: [
        [ContentPart.text("")],
        [.text("line\nbreak \"quoted\" back\\slash tab\t \u{01} /slash é 🌧️ 東京")],
        [
            .text("a"), .image(url: "data:image/png;base64,iVBOR"),
            .opaque(provider: "anthropic", json: #"{"a":"\"b\""}"#),
        ],
        [],
    ])
    func partsRoundTripThroughTheirText(parts: [ContentPart]) throws {
        let text = PartsCodec.encode(parts)
        #expect(try PartsCodec.decode(text) == parts)
        // The same as Foundation reads it.
        #expect(try JSONDecoder().decode([ContentPart].self, from: Data(text.utf8)) == parts)
    }

    @Test func partsWrittenByAnotherClientInAnotherShapeAreStillRead() throws {
        #expect(try PartsCodec.decode(#"[ { "type" : "text", "text" : "\u00e9\ud83c\udf27" } ]"#) == [.text("é🌧")])
        #expect(try PartsCodec.decode(#"[{"type":"text","text":"x","extra":1}]"#) == [.text("x")])
        #expect(throws: (any Error).self) { try PartsCodec.decode(#"[{"type":"video"}]"#) }
    }

    @Test func randomTextsReadBackTheSameThroughTheFastReaderAndThroughFoundation() throws {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [Unicode.Scalar] = [
            "a", "\"", "\\", "/", "\n", "\t", "\u{01}", "\u{1F}", "é", "東", "🌧", "\u{7F}",
        ]
        for _ in 0..<500 {
            let length = Int.random(in: 0..<80, using: &generator)
            var text = String.UnicodeScalarView()
            for _ in 0..<length { text.append(alphabet.randomElement(using: &generator)!) }
            let parts: [ContentPart] = [
                .text(String(text)), .opaque(provider: "p", json: "\"" + String(text).count.description + "\""),
            ]
            let ours = PartsCodec.encode(parts)
            let foundation = String(decoding: try JSONEncoder().encode(parts), as: UTF8.self)
            #expect(try PartsCodec.decode(ours) == parts)
            #expect(try PartsCodec.decode(foundation) == parts)
            // The fast reader itself reads both, rather than handing them to Foundation.
            #expect(PartsReader.parts(ours) == parts, "\(ours)")
            #expect(PartsReader.parts(foundation) == parts, "\(foundation)")
        }
    }
}
