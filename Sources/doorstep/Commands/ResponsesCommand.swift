import ArgumentParser
import DoorstepCore
import DoorstepWire
import DoorstepStore
import Foundation

/// `doorstep responses`: the responses on this laptop.
struct ResponsesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "responses",
        abstract: "List the responses on this laptop, oldest first.",
        discussion: """
            Examples:
              doorstep responses
              doorstep responses --campaign west-end --json
            """
    )

    @OptionGroup var home: HomeOptions
    @Option(help: "Only this campaign's responses.") var campaign: String?
    @Flag(name: .long, help: "Print JSON on stdout.") var json = false

    func run() throws {
        let responses = try home.openStore().responses(campaign: campaign)
        if json {
            try Console.json(responses.map(ResponseSummaryJSON.init))
        } else if responses.isEmpty {
            Console.error("No responses yet.")
        } else {
            Console.table(
                ["RESPONSE", "CAMPAIGN", "ADDRESS", "RECORDED", "SYNC"],
                responses.map {
                    [$0.id.lowercasedString, $0.campaign, $0.addressLine ?? $0.address, $0.recordedAt, Self.syncState($0)]
                }
            )
        }
    }

    static func syncState(_ response: ResponseSummary) -> String {
        let erased = response.erased.map { $0 == .all ? "erased; " : "personal data erased; " } ?? ""
        return erased + DeliveryText.line(response.delivery)
    }
}

/// How a response's delivery reads in `responses` and `show`.
enum DeliveryText {
    /// `synced`, `pending`, or `held`/`rejected` with the server's reason.
    static func line(_ delivery: Delivery) -> String {
        switch delivery.state {
        case .synced, .pending: delivery.state.rawValue
        case .held, .rejected: "\(delivery.state.rawValue): \(delivery.reason ?? "the server gave no reason")"
        }
    }
}

/// A line of `responses --json`, and the first keys of `show --json`.
struct ResponseSummaryJSON: Encodable {
    var id: String
    var campaign: String
    var address: String
    var form: String
    var formVersion: String
    var recordedAt: String
    var erased: String?
    /// Where its changes stand with the server: `synced`, `pending`, `held` or `rejected`, the
    /// server's reason for the last two, and how many operations are in each state.
    var sync: String
    var syncReason: String?
    var pendingChanges: Int
    var heldChanges: Int
    var rejectedChanges: Int

    init(
        id: UUID, campaign: String, address: String, form: String, formVersion: String, recordedAt: String,
        erased: Erasure.Scope?, delivery: Delivery
    ) {
        self.id = id.lowercasedString
        self.campaign = campaign
        self.address = address
        self.form = form
        self.formVersion = formVersion
        self.recordedAt = recordedAt
        self.erased = erased?.rawValue
        sync = delivery.state.rawValue
        syncReason = delivery.reason
        pendingChanges = delivery.pending
        heldChanges = delivery.held
        rejectedChanges = delivery.rejected
    }

    init(_ summary: ResponseSummary) {
        self.init(
            id: summary.id, campaign: summary.campaign, address: summary.address, form: summary.form,
            formVersion: summary.formVersion, recordedAt: summary.recordedAt, erased: summary.erased,
            delivery: summary.delivery
        )
    }

    private enum CodingKeys: String, CodingKey {
        case id, campaign, address, form, erased, sync
        case formVersion = "form_version", recordedAt = "recorded_at", syncReason = "sync_reason"
        case pendingChanges = "pending_changes", heldChanges = "held_changes", rejectedChanges = "rejected_changes"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(campaign, forKey: .campaign)
        try container.encode(address, forKey: .address)
        try container.encode(form, forKey: .form)
        try container.encode(formVersion, forKey: .formVersion)
        try container.encode(recordedAt, forKey: .recordedAt)
        // Keys with no value are written as null: a script reads every key of every line.
        try container.encode(erased, forKey: .erased)
        try container.encode(sync, forKey: .sync)
        try container.encode(syncReason, forKey: .syncReason)
        try container.encode(pendingChanges, forKey: .pendingChanges)
        try container.encode(heldChanges, forKey: .heldChanges)
        try container.encode(rejectedChanges, forKey: .rejectedChanges)
    }
}

/// `doorstep show RESPONSE_ID`: one response.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one response.",
        discussion: """
            --json prints an object with id, campaign, address, form, form_version, recorded_at, device, \
            erased, sync (synced, pending, held or rejected), sync_reason, pending_changes, held_changes, \
            rejected_changes, answers ({question name: value}, arrays for multi-selects) and \
            fields (each value with the clock stamp of its last write).

            Examples:
              doorstep show 3f2a9c1e
              doorstep show 3f2a9c1e --json
            """
    )

    @OptionGroup var home: HomeOptions
    @Argument(help: "The response id, or its first 8 or more characters.") var responseID: String
    @Flag(name: .long, help: "Print JSON on stdout.") var json = false

    func run() throws {
        let store = try home.openStore()
        let response = try store.response(id: try store.resolve(IDPrefix(responseID, kind: .response)))
        if json {
            try Console.json(ResponseJSON(response))
            return
        }
        let form = try? store.form(id: response.form, version: response.formVersion).definition()
        let door = try? store.address(campaign: response.campaign, id: response.address)
        Console.out("Response  \(response.id.lowercasedString)")
        Console.out("Campaign  \(response.campaign)")
        Console.out("Address   \(response.address)\(door.map { " — \($0.address)" } ?? "")")
        Console.out("Form      \(response.form) version \(response.formVersion)")
        Console.out("Recorded  \(response.recordedAt) by device \(response.device)")
        Console.out("Sync      \(DeliveryText.line(response.delivery))")
        if let erased = response.erased {
            Console.out("Erased    \(erased == .all ? "every answer" : "personal answers"), at the resident's request")
        }
        Console.out()
        let answers = response.answers
        let ordered = (form?.questions.map(\.name) ?? []) + answers.keys.sorted()
        var shown: Set<String> = []
        for name in ordered where shown.insert(name).inserted {
            guard let value = answers[name] else { continue }
            let question = form?.question(named: name)
            let label = question.map { $0.type == .calculate || $0.label.isEmpty ? "\(name) (calculated)" : $0.label }
            Console.out(label ?? name)
            Console.out("    \(question?.display(value) ?? value.description)")
        }
    }
}

/// `show --json`.
struct ResponseJSON: Encodable {
    struct Field: Encodable {
        var value: AnswerValue?
        var stamp: String
    }

    /// The keys every response line has (see ``ResponseSummaryJSON``).
    var summary: ResponseSummaryJSON
    var device: String
    var answers: Answers
    var fields: [String: Field]

    init(_ response: StoredResponse) {
        summary = ResponseSummaryJSON(
            id: response.id, campaign: response.campaign, address: response.address, form: response.form,
            formVersion: response.formVersion, recordedAt: response.recordedAt, erased: response.erased,
            delivery: response.delivery
        )
        device = response.device
        answers = response.answers
        fields = response.fields.mapValues { Field(value: $0.value, stamp: $0.stamp.description) }
    }

    private enum CodingKeys: String, CodingKey {
        case device, answers, fields
    }

    func encode(to encoder: any Encoder) throws {
        try summary.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(device, forKey: .device)
        try container.encode(answers, forKey: .answers)
        try container.encode(fields, forKey: .fields)
    }
}
