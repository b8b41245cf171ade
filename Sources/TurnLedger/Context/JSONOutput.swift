import Foundation

/// The bytes the JSON serializer writes, in one growing buffer that it hands over without a copy.
///
/// A string is written with one capacity check for its worst case (every byte escaped), then
/// stored byte by byte without further checks: tool arguments and results are full of quotes,
/// and an `Array` append checks capacity and uniqueness for each of them.
struct JSONOutput: ~Copyable {
    private var base: UnsafeMutablePointer<UInt8>
    private var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 64)
        base = Self.resized(nil, to: self.capacity)
    }

    deinit { free(base) }

    /// Makes room for `extra` more bytes, doubling the buffer when it grows.
    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if capacity - count < extra { grow(extra) }
    }

    private mutating func grow(_ extra: Int) {
        capacity = max(capacity * 2, count + extra)
        base = Self.resized(base, to: capacity)
    }

    private static func resized(_ pointer: UnsafeMutablePointer<UInt8>?, to capacity: Int) -> UnsafeMutablePointer<UInt8> {
        guard let memory = realloc(pointer, capacity) else { fatalError("out of memory for a \(capacity)-byte body") }
        return memory.assumingMemoryBound(to: UInt8.self)
    }

    /// Stores a byte in room already reserved.
    @inline(__always)
    mutating func appendReserved(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    /// Stores bytes in room already reserved.
    @inline(__always)
    mutating func appendReserved(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        (base + count).update(from: source, count: bytes.count)
        count += bytes.count
    }

    mutating func append(_ byte: UInt8) {
        reserve(1)
        appendReserved(byte)
    }

    mutating func append(_ text: StaticString) {
        reserve(text.utf8CodeUnitCount)
        appendReserved(UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes in
            reserve(bytes.count)
            appendReserved(bytes)
        }
    }

    /// The bytes written, handed over to the `Data` without a copy.
    consuming func data() -> Data {
        let data = Data(bytesNoCopy: base, count: count, deallocator: .free)
        discard self
        return data
    }

    /// The bytes written, as text.
    consuming func text() -> String {
        String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self)
    }
}
