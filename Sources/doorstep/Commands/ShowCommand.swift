import ArgumentParser
import DoorstepCore
import DoorstepWire
import DoorstepStore
import Foundation

/// `doorstep show RESPONSE_ID`: one response.
struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one response.",
        discussion: """
            --json prints an object with id, campaign, address, form, form_version, recorded_at, device, \
            erased, sync (synced, pending, held or rejected), sync_reason, pending_changes, held_changes, \
            rejected_changes, answers ({question name: value}, arrays for multi-selects), sealed \
            ({question name: [agency, ...]} for each answer sealed to agencies; its answer is the \
            sealed text as stored) and fields (each value with the clock stamp of its last write).

            A sealed answer (contact details for a follow-up) is shown as "sealed to" the agencies \
            it was sealed to at the door: only they can open it, with their own key.

            Examples:
              doorstep show 3f2a9c1e
              doorstep show 3f2a9c1e --json
            """
    )

    @OptionGroup var home: HomeOptions
    @Argument(help: "The response id, or its first 8 or more characters.") var responseID: String
    @Flag(name: .long, help: "Print JSON on stdout.") var json = false
    @OptionGroup var language: LanguageOption

    func run() throws {
        let store = try home.openStore()
        let response = try store.response(id: try store.resolve(IDPrefix(responseID, kind: .response)))
        if json {
            try Console.json(ResponseJSON(response))
            return
        }
        let form = try? store.form(id: response.form, version: response.formVersion).definition()
        let code = try form.flatMap { try language.code(for: $0) }
        let door = try? store.address(campaign: response.campaign, id: response.address)
        Console.out("Response  \(response.id.lowercasedString)")
        Console.out("Campaign  \(response.campaign)")
        Console.out("Address   \(response.address)\(door.map { " — \($0.address)" } ?? "")")
        Console.out("Form      \(response.form) version \(response.formVersion)")
        Console.out("Recorded  \(response.recordedAt) by device \(response.device)")
        Console.out("Sync      \(DeliveryText.line(response.delivery))")
        switch response.erased {
        case .sensitive?: Console.out("Erased    personal answers, at the resident's request")
        case .all?: Console.out("Erased    every answer, at the resident's request or at the end of their retention period")
        case .expired?: Console.out("Erased    answers past their retention period, purged by the server")
        case nil: break
        }
        Console.out()
        let answers = response.answers
        let sealed = response.sealedTo
        let ordered = (form?.questions.map(\.name) ?? []) + answers.keys.sorted()
        var shown: Set<String> = []
        for name in ordered where shown.insert(name).inserted {
            guard let value = answers[name] else { continue }
            let question = form?.question(named: name)
            let label = question.map { $0.type == .calculate || $0.label.isEmpty ? "\(name) (calculated)" : $0.localizedLabel.text(in: code) }
            Console.out(label ?? name)
            if let agencies = sealed[name] {
                Console.out("    sealed to \(agencies.joined(separator: ", "))")
            } else {
                Console.out("    \(question?.display(value, in: code) ?? value.description)")
            }
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
    /// The agencies each sealed answer is sealed to.
    var sealed: [String: [String]]
    var fields: [String: Field]

    init(_ response: StoredResponse) {
        summary = ResponseSummaryJSON(
            id: response.id, campaign: response.campaign, address: response.address, form: response.form,
            formVersion: response.formVersion, recordedAt: response.recordedAt, erased: response.erased,
            delivery: response.delivery
        )
        device = response.device
        answers = response.answers
        sealed = response.sealedTo
        fields = response.fields.mapValues { Field(value: $0.value, stamp: $0.stamp.description) }
    }

    private enum CodingKeys: String, CodingKey {
        case device, answers, sealed, fields
    }

    func encode(to encoder: any Encoder) throws {
        try summary.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(device, forKey: .device)
        try container.encode(answers, forKey: .answers)
        try container.encode(sealed, forKey: .sealed)
        try container.encode(fields, forKey: .fields)
    }
}
