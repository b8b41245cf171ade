import Testing

@testable import TurnLedger

/// `SearchText.indexed` is what the search index holds: its output must stay the same, byte for
/// byte, whatever way it is built (rows indexed before and after a change must match alike).
@Suite struct SearchTextTests {
    /// The first implementation, scalar by scalar into a String: the reference.
    private func reference(_ text: String) -> String {
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if SearchText.isCJK(scalar) {
                out.append("\u{200B}")
                out.append(scalar)
                out.append("\u{200B}")
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    @Test(arguments: [
        "", "plain ASCII text", "Погода в Москве", "東京の天気は？", "한국어 문장입니다", "ｶﾀｶﾅ half",
        "mixed 東京 and 𠀋𠂢 (extension B) 🦊", "e\u{301}\u{200B}already separated\u{200B}", "\u{3040}\u{30FF}\u{9FFF}",
        "\u{0}NUL then 日本", String(repeating: "漢字かな", count: 500),
    ])
    func theIndexedTextIsTheSameAsTheReference(text: String) {
        #expect(Array(SearchText.indexed(text).utf8) == Array(reference(text).utf8))
    }

    @Test func randomTextsAcrossTheRangesMatchTheReference() {
        var generator = SystemRandomNumberGenerator()
        let ranges: [ClosedRange<UInt32>] = [
            0x20...0x7E, 0x400...0x4FF, 0x3040...0x30FF, 0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xFF00...0xFFEF,
            0x1F300...0x1FAFF, 0x20000...0x3134F, 0x2FFF...0x3041,
        ]
        for _ in 0..<500 {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 0...40, using: &generator) {
                let range = ranges.randomElement(using: &generator)!
                if let scalar = Unicode.Scalar(UInt32.random(in: range, using: &generator)) { scalars.append(scalar) }
            }
            let text = String(scalars)
            #expect(Array(SearchText.indexed(text).utf8) == Array(reference(text).utf8), "\(text.unicodeScalars.map(\.value))")
        }
    }
}
