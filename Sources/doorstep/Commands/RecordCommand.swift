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
            The door is its address id on the walk list, in any case; the campaign is the current \
            one (doorstep use) unless --campaign names another. The door's notes are shown first; \
            at a door any team surveyed or marked do-not-contact you are asked to confirm (--yes \
            confirms without asking).

            Without --answers the questions are asked one by one (on stderr; answers read from stdin, \
            a terminal or a pipe), and the draft is saved after every answer. A door has at most one \
            draft: at a door with a draft you are asked whether to resume it or start again \
            (--resume or --new say it beforehand; a draft put aside is listed by doorstep drafts \
            superseded). Resuming returns to where you stopped, the review included.

            With --answers FILE (or - for stdin) the answers are a JSON object {"question name": \
            value}, arrays for multi-selects; invalid answers exit 65, one line per problem, and \
            nothing is stored. A saved response also records a surveyed knock at the door unless one \
            is already there. --form-version types in a paper form of an older version that is \
            still on this laptop.

            --language shows a form written in several languages in one of them (such as cy); at \
            any prompt @ changes to the next language, or @ and a code to that one. The answers \
            stored are the same in every language.

            Examples:
              doorstep record WE-002
              doorstep record we-002 --resume
              doorstep record --resume                    # the latest draft, wherever it is
              doorstep record WE-003 --form-version 1     # a v1 paper form
              doorstep record WE-004 --answers answers.json --yes
              doorstep record WE-005 --language cy        # a Welsh-speaking resident
            """
    )

    @OptionGroup var home: HomeOptions
    @OptionGroup var choice: CampaignChoice
    @Argument(help: ArgumentHelp("The door: its address id on the walk list, in any case.", valueName: "address"))
    var door: String?
    @Option(help: .hidden) var address: String?
    @Option(help: ArgumentHelp("Answers as a JSON object, from a file or - for stdin.", valueName: "file"))
    var answers: String?
    @Option(name: .customLong("form-version"), help: ArgumentHelp(
        "Use this version of the form (a paper form of an older version), if this laptop has it.", valueName: "n"
    ))
    var formVersion: String?
    @Flag(help: "Continue the door's draft; without a door, the latest draft.") var resume = false
    @Flag(name: .customLong("new"), help: "Start again at a door that has a draft (the draft is put aside).")
    var startAgain = false
    @Option(help: ArgumentHelp("The draft to continue (see doorstep drafts); 8 or more characters of its id do.", valueName: "id"))
    var draft: String?
    @Flag(help: "Go on without asking at a door already surveyed or marked do-not-contact.") var yes = false
    @OptionGroup var language: LanguageOption

    func validate() throws {
        if door != nil && address != nil { throw ValidationError("Name the door once: doorstep record ADDRESS.") }
        if resume && startAgain { throw ValidationError("Give --resume or --new, not both.") }
        if resume || draft != nil {
            if answers != nil { throw ValidationError("--resume asks the questions again; it does not take --answers.") }
        } else if door == nil && address == nil {
            throw ValidationError("Name the door: doorstep record ADDRESS (or continue a draft with --resume).")
        }
    }

    func run() throws {
        let store = try home.openStore()
        let validator: AnswerValidator
        var draft: Draft
        if let typed = self.draft {
            (draft, validator) = try continued(try store.draft(id: try store.resolve(IDPrefix(typed, kind: .draft))), store)
        } else if let typed = door ?? address {
            let campaign = try choice.resolve(store, home: home)
            let state = try store.addressState(campaign: campaign.id, id: typed)
            let door = state.address
            let form = try store.form(id: campaign.form, version: formVersion).definition()
            let fresh = try self.validator(for: form)
            Console.error("\(form.title) (\(form.id) version \(form.version))")
            Console.error("\(door.address)\(door.postcode.map { ", \($0)" } ?? "") — \(campaign.name)")
            try DoorNotice(state: state).show(confirmed: yes, doing: "record a questionnaire")
            if let answers {
                try recordFromJSON(answers, store: store, validator: fresh, campaign: campaign.id, address: door.id)
                return
            }
            if let earlier = try store.draft(campaign: campaign.id, address: door.id), try resumes(earlier, store) {
                (draft, validator) = try continued(earlier, store)
            } else if resume {
                throw CLIError(.dataError, "Door \(door.id) has no draft to continue; doorstep record \(door.id) starts one.")
            } else {
                validator = fresh
                draft = Draft(campaign: campaign.id, address: door.id, form: form.id, formVersion: form.version)
            }
        } else {
            guard let latest = try store.drafts().first(where: { choice.campaign == nil || $0.campaign == choice.campaign }) else {
                throw CLIError(.dataError, "There is no draft to continue.")
            }
            (draft, validator) = try continued(latest, store)
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
                : "The answers are kept as draft \(draft.id.lowercasedString): doorstep record \(draft.address) --resume continues it."
            if draft.answers.isEmpty { try? store.deleteDraft(id: draft.id) }
            throw CLIError(.failure, "Stopped before saving. \(kept)")
        case .completed(let answers):
            draft = questionnaire.draft
            let sealer = try DoorSealer(form: validator.form, store: store)
            if let missing = sealer.missingKey(in: answers) {
                throw CLIError(
                    missing.exitCode,
                    "Not saved: \(missing.description) The answers are kept as draft \(draft.id.lowercasedString): "
                        + "doorstep record \(draft.address) --resume saves it then."
                )
            }
            let response = UUID()
            let id = try store.recordResponse(
                campaign: draft.campaign, address: draft.address, form: validator.form,
                answers: try sealer.seal(answers, response: response),
                safeguarding: validator.flagsSafeguarding(answers), draft: draft.id, id: response
            )
            Console.error("Saved.")
            warnIfSafeguarding(validator, answers)
            Console.out(id.lowercasedString)
        }
    }

    /// Whether to continue the door's draft: `--resume` says yes, `--new` puts it aside; without
    /// either, the officer is asked on a terminal.
    ///
    /// - Throws: ``ClientStoreError/draftExists(campaign:address:draft:)`` (64) when input is not a
    ///   terminal and neither flag says what to do; not allowed (77) when the officer stops.
    private func resumes(_ earlier: Draft, _ store: ClientStore) throws -> Bool {
        if resume { return true }
        let summary = "\(earlier.answers.count) answer\(earlier.answers.count == 1 ? "" : "s")"
            + (earlier.position == .review ? ", stopped at the review" : "")
        if !startAgain {
            guard Console.inputIsTerminal else {
                throw ClientStoreError.draftExists(campaign: earlier.campaign, address: earlier.address, draft: earlier.id)
            }
            Console.error("This door has a draft from \(DoorNotice.localTime(earlier.updatedAt)) (\(summary)).")
            Console.prompt("r resumes it, n starts again (the draft is put aside), q stops. [r/n/q] ")
            switch Console.readLine()?.trimmingCharacters(in: .whitespaces).lowercased() {
            case "r", "resume", "": return true
            case "n", "new": break
            default: throw CLIError(.notAllowed, "Nothing changed; the draft is kept.")
            }
        }
        try store.supersedeDraft(id: earlier.id)
        Console.error("Draft \(earlier.id.lowercasedString) (\(summary)) put aside; doorstep drafts superseded lists it.")
        return false
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
            let response = UUID()
            let sealed = try DoorSealer(form: validator.form, store: store).seal(answers, response: response)
            let id = try store.recordResponse(
                campaign: campaign, address: address, form: validator.form, answers: sealed,
                safeguarding: validator.flagsSafeguarding(answers), id: response
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

    /// Continues `draft`: on the latest version of its form, unless `--form-version` keeps the
    /// version it was started on.
    private func continued(_ draft: Draft, _ store: ClientStore) throws -> (Draft, AnswerValidator) {
        var draft = draft
        let form = try store.form(id: draft.form, version: formVersion).definition()
        let validator = try validator(for: form)
        let door = try store.address(campaign: draft.campaign, id: draft.address)
        Console.error("Continuing the draft started \(DoorNotice.localTime(draft.startedAt)): \(door.address), campaign \(draft.campaign).")
        if form.version != draft.formVersion {
            let earlier = try? store.form(id: draft.form, version: draft.formVersion).definition()
            for line in Self.migrate(&draft, from: earlier, to: validator) { Console.error(line) }
        }
        return (draft, validator)
    }

    /// Checks answers to `form` today, with its messages in the language asked for; sealed
    /// questions' answers as typed, before they are sealed.
    private func validator(for form: FormDefinition) throws -> AnswerValidator {
        var validator = AnswerValidator(form: form, today: Console.today(), now: Console.now)
        validator.sealedAnswers = .plain
        validator.language = try language.code(for: form)
        return validator
    }

    /// Carries a draft's answers over to a newer form version; returns what the officer should be
    /// told, in the validator's language.
    static func migrate(_ draft: inout Draft, from earlier: FormDefinition?, to validator: AnswerValidator) -> [String] {
        let form = validator.form
        let language = validator.language
        var lines = ["The form \"\(form.title)\" changed from version \(draft.formVersion) to \(form.version) since this draft was started."]
        var dropped: [String] = []
        var carried: Answers = [:]
        for (name, value) in draft.answers.sorted(by: { $0.key < $1.key }) {
            guard let question = form.question(named: name), question.type.takesInput else {
                dropped.append("\(earlier?.question(named: name)?.localizedLabel.text(in: language) ?? name) (no longer asked)")
                continue
            }
            switch validator.normalize(value, for: question) {
            case .success(let clean): carried[name] = clean
            case .failure(let problem): dropped.append("\(question.localizedLabel.text(in: language)) (\(problem.message))")
            }
        }
        if let earlier {
            let before = Set(earlier.questions.filter(\.type.takesInput).map(\.name))
            let added = form.questions.filter { $0.type.takesInput && !before.contains($0.name) }
                .map { $0.localizedLabel.text(in: language) }
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
