public import Foundation

/// One change made on a device, as it waits in the outbox and travels to the server.
///
/// Every operation has its own id, so a push that is retried after a timeout is applied exactly
/// once: the server keeps the id and answers a repeat with the result it gave the first time.
/// The JSON shape is documented in `docs/sync-protocol.md`.
public struct SyncOperation: Codable, Hashable, Sendable, Identifiable {
    /// The operation's own id, made on the device.
    public var id: UUID
    /// The clock stamp of the change; every field it writes carries this stamp.
    public var stamp: HLCTimestamp
    /// The device that made the change.
    public var device: String
    /// What the operation does.
    public var body: Body

    /// Creates an operation.
    public init(id: UUID = UUID(), stamp: HLCTimestamp, device: String, body: Body) {
        self.id = id
        self.stamp = stamp
        self.device = device
        self.body = body
    }

    /// The kinds of change a device can make.
    public enum Body: Hashable, Sendable {
        /// A new questionnaire response with its answers.
        case createResponse(NewResponse)
        /// Corrections to fields of an existing response.
        case updateResponse(ResponseUpdate)
        /// A knock on a door.
        case recordVisit(Visit)
        /// A resident withdrew consent: remove personal data everywhere.
        case eraseResponse(Erasure)
        /// A door found on the day that is not on the walk list.
        case addAddress(NewAddress)
    }

    /// The wire name of the operation's kind, as in `"type"` of the JSON.
    public var kind: String {
        switch body {
        case .createResponse: "response.create"
        case .updateResponse: "response.update"
        case .recordVisit: "visit"
        case .eraseResponse: "response.erase"
        case .addAddress: "address.add"
        }
    }

    /// The response the operation creates, changes or erases; `nil` for a knock.
    public var response: UUID? {
        switch body {
        case .createResponse(let response): response.response
        case .updateResponse(let update): update.response
        case .eraseResponse(let erasure): erasure.response
        case .recordVisit, .addAddress: nil
        }
    }

    /// Whether the operation carries a safeguarding concern, so it is pushed first.
    public var isUrgent: Bool {
        if case .createResponse(let response) = body { return response.safeguarding }
        return false
    }

    private enum CodingKeys: String, CodingKey { case id, type, stamp, device, payload }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(UUID.self, forKey: .id)
        stamp = try container.decode(HLCTimestamp.self, forKey: .stamp)
        device = try container.decode(String.self, forKey: .device)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "response.create": body = .createResponse(try container.decode(NewResponse.self, forKey: .payload))
        case "response.update": body = .updateResponse(try container.decode(ResponseUpdate.self, forKey: .payload))
        case "visit": body = .recordVisit(try container.decode(Visit.self, forKey: .payload))
        case "response.erase": body = .eraseResponse(try container.decode(Erasure.self, forKey: .payload))
        case "address.add": body = .addAddress(try container.decode(NewAddress.self, forKey: .payload))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "Unknown operation type \"\(type)\"."
            )
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(kind, forKey: .type)
        try container.encode(stamp, forKey: .stamp)
        try container.encode(device, forKey: .device)
        switch body {
        case .createResponse(let payload): try container.encode(payload, forKey: .payload)
        case .updateResponse(let payload): try container.encode(payload, forKey: .payload)
        case .recordVisit(let payload): try container.encode(payload, forKey: .payload)
        case .eraseResponse(let payload): try container.encode(payload, forKey: .payload)
        case .addAddress(let payload): try container.encode(payload, forKey: .payload)
        }
    }
}

/// A new response: every answer is written with the operation's stamp and no base.
public struct NewResponse: Codable, Hashable, Sendable {
    public var response: UUID
    public var campaign: String
    public var address: String
    public var form: String
    public var formVersion: String
    /// When the officer saved the response, ISO 8601.
    public var recordedAt: String
    public var answers: Answers
    /// The officer flagged a safeguarding concern on this response.
    public var safeguarding: Bool
    /// Set when the resident withdrew consent before this response first reached the server: the
    /// erased answers are absent, and the server accepts it without them.
    public var erased: Erasure.Scope?

    public init(
        response: UUID, campaign: String, address: String, form: String, formVersion: String,
        recordedAt: String, answers: Answers, safeguarding: Bool = false, erased: Erasure.Scope? = nil
    ) {
        self.response = response
        self.campaign = campaign
        self.address = address
        self.form = form
        self.formVersion = formVersion
        self.recordedAt = recordedAt
        self.answers = answers
        self.safeguarding = safeguarding
        self.erased = erased
    }

    private enum CodingKeys: String, CodingKey {
        case response, campaign, address, form, answers, safeguarding, erased
        case formVersion = "form_version", recordedAt = "recorded_at"
    }
}

/// Corrections to a response, each field written with the operation's stamp.
public struct ResponseUpdate: Codable, Hashable, Sendable {
    public var response: UUID
    public var fields: [FieldChange]

    public init(response: UUID, fields: [FieldChange]) {
        self.response = response
        self.fields = fields
    }
}

/// One field write: the new value and the stamp of the value it replaced.
public struct FieldChange: Codable, Hashable, Sendable {
    /// The question name.
    public var name: String
    /// The new answer; `nil` clears it.
    public var value: AnswerValue?
    /// The stamp of the value the writer saw and replaced; `nil` if the field had none.
    public var base: HLCTimestamp?
    /// Stamps of concurrent values this write settles (an organiser resolving a conflict).
    public var resolves: [HLCTimestamp]

    public init(name: String, value: AnswerValue?, base: HLCTimestamp?, resolves: [HLCTimestamp] = []) {
        self.name = name
        self.value = value
        self.base = base
        self.resolves = resolves
    }

    private enum CodingKeys: String, CodingKey { case name, value, base, resolves }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        value = try container.decodeIfPresent(AnswerValue.self, forKey: .value)
        base = try container.decodeIfPresent(HLCTimestamp.self, forKey: .base)
        resolves = try container.decodeIfPresent([HLCTimestamp].self, forKey: .resolves) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(value, forKey: .value)
        try container.encode(base, forKey: .base)
        if !resolves.isEmpty { try container.encode(resolves, forKey: .resolves) }
    }
}

/// What happened at a door.
public enum VisitOutcome: String, Codable, Hashable, Sendable, CaseIterable {
    case noAnswer = "no-answer"
    case refused
    case cardLeft = "card-left"
    /// Come back: the resident asked for another time (``Visit/callBack`` says when).
    case revisit
    case surveyed
    /// The resident asked not to be contacted again: every team leaves the door alone.
    case doNotContact = "do-not-contact"
    /// The resident has moved away.
    case moved
    /// Nobody lives there (empty or derelict).
    case empty
    /// The resident came to the door but did not consent to the questionnaire (a response whose
    /// consent question is not answered `yes` records this knock, not `surveyed`).
    case declined
}

/// A knock on a door: an append-only event.
public struct Visit: Codable, Hashable, Sendable {
    public var visit: UUID
    public var campaign: String
    public var address: String
    public var outcome: VisitOutcome
    public var note: String?
    /// When the knock happened, ISO 8601.
    public var at: String
    /// For a `revisit`: when to come back, as the resident said it ("after 6pm", "Saturday morning").
    public var callBack: String?

    public init(
        visit: UUID, campaign: String, address: String, outcome: VisitOutcome, note: String?, at: String,
        callBack: String? = nil
    ) {
        self.visit = visit
        self.campaign = campaign
        self.address = address
        self.outcome = outcome
        self.note = note
        self.at = at
        self.callBack = callBack
    }

    private enum CodingKeys: String, CodingKey {
        case visit, campaign, address, outcome, note, at
        case callBack = "call_back"
    }
}

/// A door an officer added to a campaign's walk list on the day.
public struct NewAddress: Codable, Hashable, Sendable {
    public var campaign: String
    /// The door; its id is new on the campaign's walk list.
    public var door: WalkListAddress

    public init(campaign: String, door: WalkListAddress) {
        self.campaign = campaign
        self.door = door
    }

    /// Why `door` cannot be added as it is, or `nil`: an id of 1 to 64 characters without spaces
    /// or control characters, and an address line of 1 to 200 characters. The same rule holds on
    /// the laptop and on the server.
    public static func problem(with door: WalkListAddress) -> String? {
        let id = door.id
        if id.isEmpty || id.count > 64 || id.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 || $0.value == 0x7F }) {
            return "An added door's id is 1 to 64 characters without spaces; '\(id)' is not."
        }
        let line = door.address.trimmingCharacters(in: .whitespaces)
        if line.isEmpty || line.count > 200 {
            return "An added door needs its address, up to 200 characters."
        }
        return nil
    }
}

/// A resident withdrew consent.
public struct Erasure: Codable, Hashable, Sendable {
    /// What an erasure removes.
    public enum Scope: String, Codable, Hashable, Sendable {
        /// The resident's personal answers: those of the questions a withdrawal of consent erases
        /// (``FormDefinition/questionsErasedOnWithdrawal``: `sensitive: true` ones, unless marked
        /// `on_withdrawal: keep`).
        case sensitive
        /// The whole response.
        case all
    }

    public var response: UUID
    public var scope: Scope
    public var reason: String?

    public init(response: UUID, scope: Scope, reason: String? = nil) {
        self.response = response
        self.scope = scope
        self.reason = reason
    }
}
