import ArgumentParser
import DoorstepCore
import DoorstepStore
import Foundation

/// `doorstep record`: a questionnaire at a door.
struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record a questionnaire at a door; prints the new response id on stdout.",
        discussion: """
            Without --answers the questions are asked one by one (on stderr; answers read from stdin, \
            a terminal or a pipe), and a draft is saved after every answer: doorstep record --resume \
            continues it. With --answers FILE (or - for stdin) the answers are a JSON object \
            {"question name": value}, arrays for multi-selects; invalid answers exit 65, one line per \
            problem, and nothing is stored. A saved response also records a surveyed knock at the \
            door unless one is already there.
            """
    )

    @OptionGroup var home: HomeOptions
    @Option(help: "The campaign's id.") var campaign: String?
    @Option(help: "The address id on the walk list.") var address: String?
    @Option(help: ArgumentHelp("Answers as a JSON object, from a file or - for stdin.", valueName: "file"))
    var answers: String?
    @Flag(help: "Continue a draft: the latest, or the one for --campaign/--address, or --draft.") var resume = false
    @Option(help: ArgumentHelp("The draft to continue (see doorstep drafts); 8 or more characters of its id do.", valueName: "id"))
    var draft: String?

    func validate() throws {
        if resume || draft != nil {
            if answers != nil { throw ValidationError("--resume asks the questions again; it does not take --answers.") }
        } else if campaign == nil || address == nil {
            throw ValidationError("Name the door with --campaign ID and --address ID (or continue a draft with --resume).")
        }
    }

    func run() throws {
        let store = try home.openStore()
        let validator: AnswerValidator
        var draft: Draft
        if resume || self.draft != nil {
            (draft, validator) = try resumedDraft(store)
        } else if let campaign, let address {
            let campaignInfo = try store.campaign(id: campaign)
            let door = try store.address(campaign: campaign, id: address)
            let form = try store.form(id: campaignInfo.form).definition()
            validator = AnswerValidator(form: form, today: Console.today())
            if let answers {
                try recordFromJSON(answers, store: store, validator: validator, campaign: campaign, address: address)
                return
            }
            draft = Draft(campaign: campaign, address: address, form: form.id, formVersion: form.version)
            if let earlier = try store.drafts().first(where: { $0.campaign == campaign && $0.address == address }) {
                Console.error("A draft for this door was started at \(earlier.startedAt); doorstep record --resume --draft \(earlier.id.lowercasedString) continues it.")
            }
            Console.error("\(form.title) (\(form.id) version \(form.version))")
            Console.error("\(door.address)\(door.postcode.map { ", \($0)" } ?? "") — \(campaignInfo.name)")
        } else {
            throw ValidationError("Name the door with --campaign ID and --address ID.")
        }

        var questionnaire = Questionnaire(
            form: validator.form, validator: validator, draft: draft, saveDraft: { try store.saveDraft($0) }
        )
        Self.explainInterruption()
        switch try questionnaire.run() {
        case .stopped:
            draft = questionnaire.draft
            let kept = draft.answers.isEmpty
                ? "Nothing was answered, so no draft was kept."
                : "The answers are kept as draft \(draft.id.lowercasedString): doorstep record --resume continues it."
            throw CLIError(.failure, "Stopped before saving. \(kept)")
        case .completed(let answers):
            draft = questionnaire.draft
            let id = try store.recordResponse(
                campaign: draft.campaign, address: draft.address, form: validator.form, answers: answers,
                safeguarding: validator.flagsSafeguarding(answers), draft: draft.id
            )
            Console.error("Saved.")
            warnIfSafeguarding(validator, answers)
            Console.out(id.lowercasedString)
        }
    }

    /// `--answers`: validates the JSON object and stores it, or exits 65 with every problem.
    private func recordFromJSON(
        _ path: String, store: ClientStore, validator: AnswerValidator, campaign: String, address: String
    ) throws {
        let text = try Console.readText(path, what: "answers")
        let given = try Self.decodeAnswers(text)
        switch validator.validate(given) {
        case .failure(let problems):
            throw problems
        case .success(let answers):
            let id = try store.recordResponse(
                campaign: campaign, address: address, form: validator.form, answers: answers,
                safeguarding: validator.flagsSafeguarding(answers)
            )
            warnIfSafeguarding(validator, answers)
            Console.out(id.lowercasedString)
        }
    }

    /// Reads `{name: value}` where a value is a string, a number, an array of strings or null (no answer).
    static func decodeAnswers(_ text: String) throws -> Answers {
        do {
            let decoded = try JSONDecoder().decode([String: AnswerValue?].self, from: Data(text.utf8))
            return decoded.compactMapValues { $0 }
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            let name = context.codingPath.first?.stringValue ?? "?"
            throw CLIError(.dataError, "\(name): An answer is a string, a number, an array of strings or null.")
        } catch {
            throw CLIError(.dataError, "The answers are not a JSON object of question names to answers.")
        }
    }

    /// Picks the draft to continue and moves it to the latest version of its form.
    private func resumedDraft(_ store: ClientStore) throws -> (Draft, AnswerValidator) {
        var draft: Draft
        if let typed = self.draft {
            draft = try store.draft(id: try store.resolve(IDPrefix(typed, kind: .draft)))
        } else {
            let candidates = try store.drafts().filter {
                (campaign == nil || $0.campaign == campaign) && (address == nil || $0.address == address)
            }
            guard let latest = candidates.first else {
                throw CLIError(.dataError, "There is no draft to continue.")
            }
            draft = latest
        }
        let latest = try store.form(id: draft.form).definition()
        let validator = AnswerValidator(form: latest, today: Console.today())
        let door = try store.address(campaign: draft.campaign, id: draft.address)
        Console.error("Continuing the draft started at \(draft.startedAt): \(door.address), campaign \(draft.campaign).")
        if latest.version != draft.formVersion {
            let earlier = try? store.form(id: draft.form, version: draft.formVersion).definition()
            for line in Self.migrate(&draft, from: earlier, to: validator) { Console.error(line) }
        }
        return (draft, validator)
    }

    /// Carries a draft's answers over to a newer form version; returns what the officer should be told.
    static func migrate(_ draft: inout Draft, from earlier: FormDefinition?, to validator: AnswerValidator) -> [String] {
        let form = validator.form
        var lines = ["The form \(form.id) changed from version \(draft.formVersion) to \(form.version) since this draft was started."]
        var dropped: [String] = []
        var carried: Answers = [:]
        for (name, value) in draft.answers.sorted(by: { $0.key < $1.key }) {
            guard let question = form.question(named: name), question.type.takesInput else {
                dropped.append("\(name) (no longer asked)")
                continue
            }
            switch validator.normalize(value, for: question) {
            case .success(let clean): carried[name] = clean
            case .failure(let problem): dropped.append("\(name) (\(problem.message))")
            }
        }
        if let earlier {
            let before = Set(earlier.questions.filter(\.type.takesInput).map(\.name))
            let added = form.questions.filter { $0.type.takesInput && !before.contains($0.name) }.map(\.label)
            if !added.isEmpty {
                let list = added.joined(separator: "; ")
                lines.append("New questions: \(list)\(list.last.map { ".?!".contains($0) } == true ? "" : ".")")
            }
        }
        if !dropped.isEmpty { lines.append("Answers dropped: \(dropped.joined(separator: "; ")).") }
        lines.append("\(carried.count) answer\(carried.count == 1 ? "" : "s") carried over; you will be asked what is new.")
        draft.answers = carried
        draft.formVersion = form.version
        draft.position = nil
        return lines
    }

    /// On Ctrl-C, says that the answers are safe before leaving (each was saved as it was given).
    /// The handler only writes and exits, as a signal handler must.
    private static func explainInterruption() {
        signal(SIGINT) { _ in
            let message: StaticString = "\nStopped. Every answer given is kept as a draft: doorstep record --resume continues it.\n"
            message.withUTF8Buffer { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
            _exit(130)
        }
    }

    private func warnIfSafeguarding(_ validator: AnswerValidator, _ answers: Answers) {
        if validator.flagsSafeguarding(answers) {
            Console.error("Safeguarding concern flagged: it goes first at the next sync. Follow your safeguarding procedure now.")
        }
    }
}
