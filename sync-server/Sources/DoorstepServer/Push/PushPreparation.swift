import DoorstepCore
import DoorstepWire
import Foundation

/// The pure work of a push — reading each operation from the body and, for new responses, their
/// validation, their answers' JSON and their tally contributions — done on another core while the
/// writer applies the operations before them.
///
/// SQLite has one writer, so a push is applied on one thread; this takes everything else off it.
/// The writer takes each operation in turn, waiting only if the preparing thread has not reached
/// it yet; what preparation could not do (a form it could not read) the writer does itself, so
/// results never depend on timing. A small push is prepared on the calling thread instead.
final class PushPreparation: @unchecked Sendable {
    /// Where the operations come from.
    enum Source: Sendable {
        /// Operations already read, with their texts as received (or none).
        case operations([SyncOperation], texts: [String])
        /// A checked body; its operations are read as they are prepared.
        case body(PushRequest.Body, bytes: [UInt8])

        var count: Int {
            switch self {
            case .operations(let operations, _): operations.count
            case .body(let body, _): body.count
            }
        }

        /// Each operation's id, known before the operations are read (`nil` for one that cannot be).
        var ids: [UUID?] {
            switch self {
            case .operations(let operations, _): operations.map(\.id)
            case .body(let body, _): body.ids
            }
        }
    }

    /// One operation, read and prepared.
    struct Prepared {
        var operation: SyncOperation
        /// Its JSON as the device sent it, for the log; `nil` to log it re-encoded.
        var text: String?
        /// `operation.id.uuidString`.
        var idText: String
        /// `operation.stamp.description`.
        var stampText: String
        /// For a new response whose form could be read (and that is not erased whole).
        var create: Create?
    }

    /// A new response, prepared.
    struct Create {
        /// `response.uuidString`.
        var responseID: String
        /// The validated answers in form order, or every problem found.
        var values: Result<[AnswerValue?], AnswerProblems>
        /// `JSONText.answers` of the validated answers.
        var answersJSON: String
        /// `Tally.contributions` of the validated answers in the `all` dimension, as indexes into ``keys``.
        var contributions: [Int]
    }

    /// A published form version and its validator for the push's day.
    final class Form: Sendable {
        let entry: FormCache.Entry
        let validator: AnswerValidator

        init(entry: FormCache.Entry, validator: AnswerValidator) {
            self.entry = entry
            self.validator = validator
        }
    }

    /// Below this many operations a push is prepared on the calling thread.
    static let concurrentMinimum = 64
    /// How many operations the preparing thread prepares between two hand-overs.
    private static let handOver = 8

    private let count: Int
    /// Each operation once prepared; the preparing thread writes slots at and above `ready`, the
    /// writer reads (and empties) slots below it.
    private let slots: UnsafeMutablePointer<Prepared?>
    private let condition = NSCondition()
    /// Guarded by `condition`: how many operations are prepared, the first unreadable one, whether
    /// the writer gave up.
    private var ready = 0
    private var failure: (index: Int, error: APIError)?
    private var cancelled = false
    /// Every tally key of the prepared contributions; complete once every operation is taken.
    var keys: [TallyKey] { numbering.keys }
    private var numbering = TallyKeyNumbering()

    /// Starts preparing the operations of `source`.
    ///
    /// - Parameters:
    ///   - source: The operations, or the body to read them from.
    ///   - form: The published form version with this id and version and its validator for the
    ///     push's day, or `nil` when it is not published or cannot be read (the writer then
    ///     checks the response itself).
    init(source: Source, form: @escaping @Sendable (FormVersionKey) -> Form?) {
        count = source.count
        slots = .allocate(capacity: max(count, 1))
        slots.initialize(repeating: nil, count: max(count, 1))
        if count < Self.concurrentMinimum {
            prepare(source, form: form)
        } else {
            DispatchQueue.global(qos: .userInitiated).async { [self] in
                prepare(source, form: form)
            }
        }
    }

    /// Prepares `operations` on the calling thread, reading forms with `form`.
    init(operations: [SyncOperation], texts: [String], form: (FormVersionKey) -> Form?) {
        count = operations.count
        slots = .allocate(capacity: max(count, 1))
        slots.initialize(repeating: nil, count: max(count, 1))
        prepare(.operations(operations, texts: texts), form: form)
    }

    deinit {
        slots.deinitialize(count: max(count, 1))
        slots.deallocate()
    }

    /// Tells the preparing thread to stop: the writer will take nothing more.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.unlock()
    }

    /// The prepared operations in `range`, waiting until they are ready.
    ///
    /// - Throws: ``APIError/badRequest(_:)`` when one of them could not be read from the body.
    func take(_ range: Range<Int>) throws(APIError) -> [Prepared] {
        condition.lock()
        while ready < range.upperBound {
            if let failure, failure.index < range.upperBound {
                condition.unlock()
                throw failure.error
            }
            condition.wait()
        }
        condition.unlock()
        return range.map { index in
            defer { slots[index] = nil }
            return slots[index]!
        }
    }

    private func prepare(_ source: Source, form: (FormVersionKey) -> Form?) {
        var forms: [FormVersionKey: Form?] = [:]
        // Nearly every new response of a push is on one form: the last one is at hand.
        var last: (key: FormVersionKey, form: Form?)?
        var published = 0
        for index in 0..<count {
            let operation: SyncOperation
            let text: String?
            switch source {
            case .operations(let operations, let texts):
                operation = operations[index]
                text = texts.isEmpty ? nil : texts[index]
            case .body(let body, let bytes):
                do throws(JSONShapeError) {
                    operation = try body.operation(index, in: bytes, recordedAt: RecordedAtRule.anyTime.check)
                    text = body.keepsTexts ? body.text(index, in: bytes) : nil
                } catch {
                    publish(upTo: index, failure: APIError.badRequest(error.message))
                    return
                }
            }
            var prepared = Prepared(
                operation: operation, text: text, idText: JSONWriter.uuidString(operation.id), stampText: operation.stamp.description
            )
            if case .createResponse(let new) = operation.body, new.erased != .all {
                let key = FormVersionKey(id: new.form, version: new.formVersion)
                if last?.key != key {
                    if forms[key] == nil { forms[key] = .some(form(key)) }
                    last = (key, forms[key] ?? nil)
                }
                if let form = last?.form {
                    prepared.create = self.create(new, form: form)
                }
            }
            slots[index] = prepared
            if index + 1 - published >= Self.handOver || index + 1 == count {
                published = index + 1
                guard publish(upTo: published) else { return }
            }
        }
    }

    private func create(_ new: NewResponse, form: Form) -> Create {
        let validated = form.validator.validateInFormOrder(new.answers, personalDataErased: new.erased != nil)
        let values = (try? validated.get()) ?? []
        let contributions = form.entry.tallyPlan.keys(inFormOrder: values).map { key in
            numbering.number(of: key)
        }
        return Create(
            responseID: JSONWriter.uuidString(new.response), values: validated,
            answersJSON: JSONWriter.answers(inFormOrder: values, keys: form.entry.answerKeys), contributions: contributions
        )
    }

    /// Hands over the operations below `ready` (and a failure after them); `false` when the
    /// writer gave up.
    @discardableResult
    private func publish(upTo ready: Int, failure: APIError? = nil) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        self.ready = ready
        if let failure { self.failure = (ready, failure) }
        condition.broadcast()
        return !cancelled
    }
}

/// Numbers tally keys in the order they are first met. A key is three short strings: hashing
/// their bytes with FNV-1a (<http://www.isthe.com/chongo/tech/comp/fnv/>) into an open-addressed
/// table costs less than `Hasher` on every contribution of every new response.
struct TallyKeyNumbering {
    /// The keys met, by number.
    private(set) var keys: [TallyKey] = []
    /// Each slot holds a key's number, or -1.
    private var slots = [Int32](repeating: -1, count: 256)

    /// The number of `key`, given it now if it is new.
    mutating func number(of key: TallyKey) -> Int {
        var slot = Self.hash(key) & (slots.count - 1)
        while true {
            let number = Int(slots[slot])
            if number < 0 { break }
            if keys[number] == key { return number }
            slot = (slot + 1) & (slots.count - 1)
        }
        keys.append(key)
        slots[slot] = Int32(keys.count - 1)
        if keys.count * 2 > slots.count { grow() }
        return keys.count - 1
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: slots.count * 2)
        for (number, key) in keys.enumerated() {
            var slot = Self.hash(key) & (slots.count - 1)
            while slots[slot] >= 0 { slot = (slot + 1) & (slots.count - 1) }
            slots[slot] = Int32(number)
        }
    }

    private static func hash(_ key: TallyKey) -> Int {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func add(_ part: String) {
            for byte in part.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            // A byte no UTF-8 text holds, between the parts.
            hash = (hash ^ 0xFF) &* 0x0000_0100_0000_01B3
        }
        add(key.dimension)
        add(key.question)
        add(key.bucket)
        return Int(truncatingIfNeeded: hash)
    }
}
