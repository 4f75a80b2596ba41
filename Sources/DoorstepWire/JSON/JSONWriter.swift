package import DoorstepCore
package import Foundation

/// Writes JSON text byte by byte: the same text `JSONEncoder.wire` writes for the same values
/// (keys sorted, `/` as it is, `\b \f \n \r \t` and `\u00xx` for other control characters),
/// without the encoder's cost per value.
///
/// The push path stores millions of answers and the pull page carries them back; an encoder per
/// value was seconds of a 100,000-response sync. Every fast writer of the wire types writes
/// through this one type, with its one escaper, and a differential test holds each against
/// `JSONEncoder.wire`.
package struct JSONWriter {
    /// The text written so far, as UTF-8.
    package private(set) var bytes: [UInt8] = []

    package init(capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    /// The text written so far.
    package var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Appends `text` as it is: punctuation and keys the caller knows need no escape.
    package mutating func raw(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends JSON text that is already written.
    package mutating func raw(_ text: some Sequence<UInt8>) {
        bytes.append(contentsOf: text)
    }

    package mutating func byte(_ byte: UInt8) {
        bytes.append(byte)
    }

    // MARK: Scalars

    /// A string literal: quotes, backslashes and control characters escaped as `JSONEncoder` does.
    package mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            bytes.append(UInt8(ascii: "\""))
            var plainFrom = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                bytes.append(contentsOf: utf8[plainFrom..<index])
                plainFrom = index + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                default:
                    bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                    bytes.append(Self.hexDigit(byte >> 4, upper: false))
                    bytes.append(Self.hexDigit(byte & 0x0F, upper: false))
                }
            }
            bytes.append(contentsOf: utf8[plainFrom...])
            bytes.append(UInt8(ascii: "\""))
        }
    }

    /// `value` as a string literal (see ``string(_:)``), for text stored in a column.
    package static func string(_ value: String) -> String {
        var writer = JSONWriter(capacity: value.utf8.count + 2)
        writer.string(value)
        return writer.text
    }

    package mutating func integer(_ value: some BinaryInteger) {
        bytes.append(contentsOf: String(value).utf8)
    }

    package mutating func bool(_ value: Bool) {
        value ? raw("true") : raw("false")
    }

    /// A number as `JSONEncoder` writes a `Double`: the shortest text that reads back the same,
    /// a whole number without `.0`; `null` for a value that is not finite (JSON has none).
    package mutating func decimal(_ value: Double) {
        guard value.isFinite else { return raw("null") }
        let text = value.description
        bytes.append(contentsOf: text.utf8.dropLast(text.hasSuffix(".0") ? 2 : 0))
    }

    /// `uuid.uuidString` as a string literal (upper-case hex in groups of 8-4-4-4-12), without
    /// formatting each byte through `sprintf`.
    package mutating func uuid(_ uuid: UUID) {
        bytes.append(UInt8(ascii: "\""))
        withUnsafeBytes(of: uuid.uuid) { raw in
            for (index, byte) in raw.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 { bytes.append(UInt8(ascii: "-")) }
                bytes.append(Self.hexDigit(byte >> 4, upper: true))
                bytes.append(Self.hexDigit(byte & 0x0F, upper: true))
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// `uuid.uuidString`, written by ``uuid(_:)``.
    package static func uuidString(_ uuid: UUID) -> String {
        var writer = JSONWriter(capacity: 38)
        writer.uuid(uuid)
        return String(decoding: writer.bytes.dropFirst().dropLast(), as: UTF8.self)
    }

    package mutating func stamp(_ stamp: HLCTimestamp) {
        string(stamp.description)
    }

    /// A list of stamps as JSON text, or `nil` when it is empty (stored as SQL `NULL`).
    package static func stamps(_ stamps: [HLCTimestamp]) -> String? {
        guard !stamps.isEmpty else { return nil }
        var writer = JSONWriter(capacity: stamps.count * 32)
        writer.byte(UInt8(ascii: "["))
        for (index, stamp) in stamps.enumerated() {
            if index > 0 { writer.byte(UInt8(ascii: ",")) }
            writer.stamp(stamp)
        }
        writer.byte(UInt8(ascii: "]"))
        return writer.text
    }

    private static func hexDigit(_ value: UInt8, upper: Bool) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : (upper ? UInt8(ascii: "A") : UInt8(ascii: "a")) + value - 10
    }

    // MARK: Answers

    /// An answer: a string, a number or an array of strings; `null` for none.
    package mutating func answer(_ value: AnswerValue?) {
        switch value {
        case nil: raw("null")
        case .text(let text): string(text)
        case .integer(let int): integer(int)
        case .decimal(let double): decimal(double)
        case .list(let list):
            byte(UInt8(ascii: "["))
            for (index, item) in list.enumerated() {
                if index > 0 { byte(UInt8(ascii: ",")) }
                string(item)
            }
            byte(UInt8(ascii: "]"))
        }
    }

    /// `answer` alone as JSON text.
    package static func answer(_ value: AnswerValue?) -> String {
        var writer = JSONWriter(capacity: 16)
        writer.answer(value)
        return writer.text
    }

    /// `{name: answer}` with names sorted.
    package mutating func answers(_ answers: Answers) {
        byte(UInt8(ascii: "{"))
        for (index, name) in answers.keys.sorted().enumerated() {
            if index > 0 { byte(UInt8(ascii: ",")) }
            string(name)
            byte(UInt8(ascii: ":"))
            answer(answers[name])
        }
        byte(UInt8(ascii: "}"))
    }

    /// `answers` as JSON text.
    package static func answers(_ answers: Answers) -> String {
        var writer = JSONWriter(capacity: answers.count * 24)
        writer.answers(answers)
        return writer.text
    }

    /// A form's question names as ``answers(inFormOrder:keys:)`` writes them: sorted, each with
    /// the index of the last question so named (whose answer a dictionary keeps) and its key text.
    package static func answerKeys(_ form: FormDefinition) -> [(index: Int, key: [UInt8])] {
        var lastIndex: [String: Int] = [:]
        for (index, question) in form.questions.enumerated() { lastIndex[question.name] = index }
        return lastIndex.keys.sorted().map { name in
            var key = JSONWriter()
            key.string(name)
            key.byte(UInt8(ascii: ":"))
            return (lastIndex[name]!, key.bytes)
        }
    }

    /// ``answers(_:)`` of validated answers in form order (see
    /// `AnswerValidator.validateInFormOrder`), with the form's ``answerKeys(_:)``: the same text,
    /// without a dictionary or a sort.
    package static func answers(inFormOrder values: [AnswerValue?], keys: [(index: Int, key: [UInt8])]) -> String {
        var writer = JSONWriter(capacity: 32 * values.count)
        writer.byte(UInt8(ascii: "{"))
        var first = true
        for (index, key) in keys {
            guard index < values.count, let value = values[index] else { continue }
            if !first { writer.byte(UInt8(ascii: ",")) }
            first = false
            writer.raw(key)
            writer.answer(value)
        }
        writer.byte(UInt8(ascii: "}"))
        return writer.text
    }
}
