/// Word-at-a-time searches in the bytes of JSON strings, for the serializer (the next byte to
/// escape) and the `parts` reader (the next quote or backslash).
///
/// Eight bytes are loaded as one little-endian word and tested on all lanes at once with the
/// classic has-zero-byte and has-less-than tests. A borrow can flag a lane above a flagged one,
/// never below, so the lowest flag is exact: its lane is the byte found.
enum JSONByteScan {
    /// The index of the first byte at or after `start` that a JSON string must escape (below
    /// 0x20, a quote or a backslash), or `bytes.count`.
    @inline(__always)
    static func nextEscape(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        next(in: bytes, from: start, lanes: { quoteOrBackslashLanes($0) | controlLanes($0) }) { byte in
            byte < 0x20 || byte == quote || byte == backslash
        }
    }

    /// The index of the first quote or backslash at or after `start`, or `bytes.count`.
    @inline(__always)
    static func nextQuoteOrBackslash(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        next(in: bytes, from: start, lanes: quoteOrBackslashLanes) { byte in byte == quote || byte == backslash }
    }

    static let quote = UInt8(ascii: "\"")
    static let backslash = UInt8(ascii: "\\")

    @inline(__always)
    private static func next(
        in bytes: UnsafeBufferPointer<UInt8>, from start: Int, lanes: (UInt64) -> UInt64, byte matches: (UInt8) -> Bool
    ) -> Int {
        guard let base = bytes.baseAddress else { return bytes.count }
        var index = start
        while index + 8 <= bytes.count {
            let flags = lanes(UInt64(littleEndian: UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)))
            if flags != 0 { return index + flags.trailingZeroBitCount / 8 }
            index += 8
        }
        while index < bytes.count, !matches(bytes[index]) { index += 1 }
        return index
    }

    private static let ones: UInt64 = 0x0101_0101_0101_0101
    private static let highs: UInt64 = 0x8080_8080_8080_8080

    /// The high bit of each lane that holds a quote or a backslash (exact at the lowest flag).
    @inline(__always)
    private static func quoteOrBackslashLanes(_ word: UInt64) -> UInt64 {
        let quotes = word ^ (ones &* UInt64(quote))
        let backslashes = word ^ (ones &* UInt64(backslash))
        return ((quotes &- ones) & ~quotes | (backslashes &- ones) & ~backslashes) & highs
    }

    /// The high bit of each lane below 0x20 (exact at the lowest flag).
    @inline(__always)
    private static func controlLanes(_ word: UInt64) -> UInt64 {
        (word &- ones &* 0x20) & ~word & highs
    }
}
