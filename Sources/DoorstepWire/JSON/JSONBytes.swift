/// The bytes of a JSON text, with every read checked against their bounds in release builds too.
///
/// The readers index request bodies that anyone with a token can send, and stored text that an
/// operator can edit: a read past the end stops the process (a crash the fault-injection and
/// fuzzing suites see) instead of reading memory that is not the text's. An `UnsafeBufferPointer`
/// checks its indices in debug builds only; everything in the toolkit reads through this type.
///
/// A value is valid only while the memory it views is: inside the closure of
/// ``withJSONBytes(_:_:)`` or the `withUnsafe…` call that made it.
package struct JSONBytes {
    private let base: UnsafeBufferPointer<UInt8>

    /// Views `base`, which must outlive every use of this value.
    package init(_ base: UnsafeBufferPointer<UInt8>) {
        self.base = base
    }

    /// How many bytes there are.
    package var count: Int { base.count }

    /// The byte at `index`; stops the process when `index` is outside the text.
    package subscript(index: Int) -> UInt8 {
        precondition(UInt(bitPattern: index) < UInt(bitPattern: base.count), "JSON read out of bounds")
        return base[index]
    }

    /// The bytes in `range`; stops the process when `range` is not inside the text.
    package subscript(range: Range<Int>) -> Slice<UnsafeBufferPointer<UInt8>> {
        precondition(range.lowerBound >= 0 && range.upperBound <= base.count, "JSON read out of bounds")
        return base[range]
    }

    /// The bytes in `range` as text, invalid UTF-8 repaired.
    package func string(_ range: Range<Int>) -> String {
        String(decoding: self[range], as: UTF8.self)
    }

    /// Whether the bytes in two ranges are the same.
    package func same(_ one: Range<Int>, _ other: Range<Int>) -> Bool {
        one.count == other.count && self[one].elementsEqual(self[other])
    }

    /// Whether the bytes in `range` are `word`'s.
    package func same(_ range: Range<Int>, _ word: StaticString) -> Bool {
        range.count == word.utf8CodeUnitCount
            && self[range].elementsEqual(UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount))
    }
}

/// Calls `body` with the bytes of `text`.
package func withJSONBytes<Result, Failure: Error>(
    _ text: [UInt8], _ body: (JSONBytes) throws(Failure) -> Result
) throws(Failure) -> Result {
    try text.withUnsafeBufferPointer { buffer throws(Failure) in try body(JSONBytes(buffer)) }
}
