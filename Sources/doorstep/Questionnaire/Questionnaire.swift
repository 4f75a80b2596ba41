import DoorstepCore
import DoorstepStore

/// The questionnaire at the door: asks a form's questions one by one on a terminal or from piped
/// input, applies skip logic as answers change, checks each answer, lets the officer go back and
/// review, and saves the draft after every answer so an interruption loses nothing. In a form
/// written in several languages, `@` switches the language at any prompt; answers do not change.
///
/// Input is read a line at a time; everything shown goes to stderr, so stdout carries only the
/// new response id.
struct Questionnaire {
    /// How the questionnaire ended.
    enum Outcome {
        /// The officer confirmed the review: the validated answers to store.
        case completed(Answers)
        /// Input ended or the officer stopped; the draft is kept.
        case stopped
    }

    /// Whether the walk goes through every question, or (after changing one answer from the
    /// review) only to questions that the change made relevant.
    private enum Mode {
        case forward
        case changing
    }

    let form: FormDefinition
    /// Checks answers; its ``AnswerValidator/language`` is the language shown.
    private(set) var validator: AnswerValidator
    private(set) var draft: Draft
    private let saveDraft: (Draft) throws -> Draft
    private let read: () -> String?
    private let write: (String) -> Void
    /// Numbers of the input questions, as `doorstep forms show` numbers them.
    private let numbers: [String: Int]
    private var mode = Mode.forward
    /// The questions asked when the officer chose one to change at the review; in `.changing`
    /// mode only questions outside it (made relevant by the change) are asked.
    private var askedBeforeChange: Set<String> = []
    private var shownGroup: String?

    /// Whether to repeat each line read after its prompt: when input is piped, so the transcript
    /// on stderr reads like a terminal session.
    private let echo: Bool
    /// The columns text is wrapped to.
    private let width: Int

    /// Prepares a questionnaire that continues `draft` (empty for a new one), shown in
    /// `validator`'s language.
    init(
        form: FormDefinition, validator: AnswerValidator, draft: Draft,
        saveDraft: @escaping (Draft) throws -> Draft,
        read: @escaping () -> String? = Console.readLine, write: @escaping (String) -> Void = Console.prompt,
        echo: Bool = !Console.inputIsTerminal, width: Int = Console.width
    ) {
        self.echo = echo
        self.width = max(40, width)
        self.form = form
        self.validator = validator
        self.draft = draft
        self.saveDraft = saveDraft
        self.read = read
        self.write = write
        var numbers: [String: Int] = [:]
        for question in form.questions where question.type.takesInput { numbers[question.name] = numbers.count + 1 }
        self.numbers = numbers
    }

    /// The one line shown when the questionnaire starts.
    var hint: String {
        form.languages.count > 1
            ? "? shows the keys, @ changes the language. Every answer is kept as you go."
            : "? shows the keys. Every answer is kept as you go."
    }

    /// What `?` shows.
    var help: String {
        var text = """
            Type the answer and press Enter. For choices type a number (several, separated by spaces, \
            where more than one may be chosen). Enter alone skips an optional question or keeps the \
            answer shown. Type < to go back, - to clear an answer, ? for this help.
            """
        if form.languages.count > 1 {
            let codes = form.languages.map { "@\($0.code) \($0.name ?? $0.code)" }.joined(separator: ", ")
            text += " Type @ to change to the next language, or @ and its code for one (\(codes)); the answers stay as they are."
        }
        return text + " Ctrl-C or Ctrl-D stops; every answer so far is kept as a draft for doorstep record --resume."
    }

    /// The language shown: one of the form's, or `nil` for its default.
    private var language: String? { validator.language }

    /// A label or hint in the language shown, each `${name}` showing that answer so far.
    private func shown(_ text: LocalizedText) -> String {
        let answers = context
        return LocalizedText.filling(text.text(in: language)) { name in
            let question = form.question(named: name)
            return answers[name].map { question?.display($0, in: language) ?? $0.description } ?? "…"
        }
    }

    // MARK: The walk

    /// Runs the questionnaire until the officer saves or stops.
    mutating func run() throws -> Outcome {
        say(hint)
        var current = startIndex()
        while true {
            guard let index = current else {
                switch try review() {
                case .some(.completed(let answers)): return .completed(answers)
                case .some(.stopped): return .stopped
                case .none:
                    current = jumpFromReview
                    continue
                }
            }
            let question = form.questions[index]
            if question.type == .note {
                showGroup(of: question)
                say("\n  Note: \(shown(question.localizedLabel))")
                current = next(after: index)
                continue
            }
            switch try ask(question) {
            case .answered:
                current = next(after: index)
                try save(position: current)
            case .back:
                if let previous = previous(before: index) {
                    current = previous
                } else {
                    say("  This is the first question.")
                }
            case .again:
                continue
            case .stopped:
                return .stopped
            }
        }
    }

    /// Where to start: the review or the question the draft stopped at, else the first one not
    /// yet answered, else the review.
    private func startIndex() -> Int? {
        switch draft.position {
        case .review:
            return nil
        case .question(let name):
            if let index = form.questions.firstIndex(where: { $0.name == name }), isShown(index) { return index }
        case nil:
            break
        }
        if draft.answers.isEmpty { return next(after: nil) }
        return form.questions.indices.first { isAsked($0) && draft.answers[form.questions[$0].name] == nil }
    }

    private var context: Answers { validator.withCalculations(draft.answers) }

    /// Whether a question takes an answer and its skip logic asks it now.
    private func isAsked(_ index: Int) -> Bool {
        let question = form.questions[index]
        return question.type.takesInput && validator.isRelevant(question, given: context)
    }

    /// Whether the walk stops at a question: asked, or a note that applies.
    private func isShown(_ index: Int) -> Bool {
        let question = form.questions[index]
        if question.type == .note { return validator.isRelevant(question, given: context) }
        return isAsked(index)
    }

    private func next(after index: Int?) -> Int? {
        let start = index.map { $0 + 1 } ?? 0
        return (start..<form.questions.count).first { candidate in
            switch mode {
            case .forward: isShown(candidate)
            case .changing:
                isAsked(candidate) && !askedBeforeChange.contains(form.questions[candidate].name)
                    && draft.answers[form.questions[candidate].name] == nil
            }
        }
    }

    private func previous(before index: Int) -> Int? {
        (0..<index).last(where: isAsked)
    }

    /// Saves the draft as it stands, to resume before the question at `position`, or at the
    /// review when there is none.
    private mutating func save(position: Int?) throws {
        draft.position = position.map { .question(form.questions[$0].name) } ?? .review
        draft = try saveDraft(draft)
    }

    // MARK: One question

    private enum Step {
        case answered
        case back
        /// The language changed: the question is shown again.
        case again
        case stopped
    }

    private mutating func ask(_ asked: Question) throws -> Step {
        // A choice_filter offers only the choices that fit the answers so far; numbers count those.
        var question = asked
        question.choices = validator.choices(for: asked, given: context)
        showGroup(of: question)
        var heading = "\(progress(of: question)) \(shown(question.localizedLabel))"
        if question.required { heading += " *" }
        say("")
        say(heading)
        if let hint = question.localizedHint { say(shown(hint), indent: "      ") }
        for (offset, choice) in question.choices.enumerated() {
            say(choice.localizedLabel.text(in: language), indent: "       ", first: "   \(offset + 1)) ")
        }
        if case .selectMultiple = question.type { say("Choose one or more numbers, separated by spaces.", indent: "      ") }
        switch question.type {
        case .date: say("A date as DD/MM/YYYY or YYYY-MM-DD, or today.", indent: "      ")
        case .time: say("A time as HH:MM, such as 18:30.", indent: "      ")
        case .dateTime: say("A date and time as YYYY-MM-DD HH:MM, such as 2026-11-14 18:30.", indent: "      ")
        case .acknowledge: say("Type OK (or y) to acknowledge.", indent: "      ")
        default: break
        }
        let existing = draft.answers[question.name]
        if let existing {
            say("      Answer: \(question.display(existing, in: language)). Enter keeps it.")
        } else if let defaultValue = question.defaultValue {
            say("      Enter gives: \(defaultValue).")
        }

        while true {
            guard let line = readAnswer() else { return .stopped }
            let input = line.trimmingWhitespace()
            switch input {
            case "<":
                return .back
            case "?":
                say(help)
                continue
            case _ where isLanguageKey(input):
                if changeLanguage(input) { return .again }
                continue
            case "-":
                if question.required {
                    say("  ! \(validator.requiredProblem(question).message)")
                    continue
                }
                draft.answers[question.name] = nil
                say(existing == nil ? "  (no answer)" : "  Cleared.")
                return .answered
            case "":
                if existing != nil { return .answered }
                if let defaultValue = question.defaultValue, accept(defaultValue, for: question) { return .answered }
                if question.required {
                    say("  ! \(validator.requiredProblem(question).message)")
                    continue
                }
                return .answered
            default:
                if accept(input, for: question) { return .answered }
            }
        }
    }

    /// Coerces and checks what was typed; stores it and returns `true` if it is a valid answer,
    /// else shows why and returns `false`.
    private mutating func accept(_ input: String, for question: Question) -> Bool {
        switch validator.coerce(Self.isoDate(input, for: question), for: question) {
        case .failure(let problem):
            switch question.type {
            case .selectOne:
                say("  ! Type a number from 1 to \(question.choices.count), from the list above.")
            case .selectMultiple:
                say("  ! Type numbers from 1 to \(question.choices.count), from the list above, separated by spaces.")
            default:
                say("  ! \(problem.message)", indent: "    ")
            }
            return false
        case .success(let value):
            if let problem = validator.check(value, for: question, given: context) {
                say("  ! \(problem.message)", indent: "    ")
                return false
            }
            draft.answers[question.name] = value
            if !question.choices.isEmpty, input.contains(where: \.isNumber) {
                say("  = \(question.display(value, in: language))", indent: "    ")
            }
            return true
        }
    }

    /// A UK date typed as DD/MM/YYYY (or D/M/YYYY) for a date question, as YYYY-MM-DD; any other
    /// input unchanged.
    static func isoDate(_ input: String, for question: Question) -> String {
        guard case .date = question.type else { return input }
        let parts = input.trimmingWhitespace().split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count <= 2, parts[1].count <= 2, parts[2].count == 4,
              parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { ("0"..."9").contains($0) } })
        else { return input }
        func padded(_ part: Substring) -> String { part.count == 1 ? "0" + part : String(part) }
        return "\(parts[2])-\(padded(parts[1]))-\(padded(parts[0]))"
    }

    /// "[4 of about 12]": the question's place among the questions this interview asks given the
    /// answers so far, which later answers may change.
    private func progress(of question: Question) -> String {
        let asked = form.questions.indices.filter(isAsked)
        let place = (asked.firstIndex { form.questions[$0].name == question.name } ?? 0) + 1
        return "[\(place) of about \(asked.count)]"
    }

    private mutating func showGroup(of question: Question) {
        guard question.group != shownGroup else { return }
        shownGroup = question.group
        if let name = question.group, let group = form.group(named: name) {
            say("")
            say("== \(shown(group.localizedLabel)) ==")
            if let hint = group.localizedHint { say(shown(hint)) }
        }
    }

    // MARK: Review

    private var jumpFromReview: Int?

    /// Shows every answer and asks to save; `nil` means the officer chose a question to change.
    private mutating func review() throws -> Outcome? {
        shown: while true {
            let asked = form.questions.indices.filter(isAsked)
            say("")
            say("== Review: type a number to change that answer ==")
            for index in asked {
                let question = form.questions[index]
                let answer = draft.answers[question.name].map { question.display($0, in: language) } ?? "(no answer)"
                say(reviewLine(number: numbers[question.name] ?? 0, label: shown(question.localizedLabel), answer: answer))
            }
            let calculated = context
            for question in form.questions where question.type == .calculate {
                if let value = calculated[question.name] { say("    \(question.name) = \(value) (calculated)") }
            }
            let result = validator.validate(draft.answers)
            if case .failure(let problems) = result {
                for problem in problems.problems {
                    let label = form.question(named: problem.question)?.localizedLabel.text(in: language) ?? problem.question
                    say("  ! \(label): \(problem.message)")
                }
            }
            let languageKey = form.languages.count > 1 ? "; @ changes the language" : ""
            while true {
                say("Enter saves; a number changes that answer; < goes back\(languageKey); q stops and keeps the draft.")
                guard let line = readAnswer() else { return .stopped }
                let input = line.trimmingWhitespace().lowercased()
                switch input {
                case "", "y", "yes", "s", "save":
                    switch result {
                    case .success(let answers): return .completed(answers)
                    case .failure: say("  ! Change the answers marked ! before saving.")
                    }
                case "q", "quit", "stop":
                    return .stopped
                case "<":
                    mode = .forward
                    jumpFromReview = asked.last
                    return nil
                case _ where isLanguageKey(input):
                    if changeLanguage(input) { continue shown }
                default:
                    guard let number = Int(input),
                          let index = asked.first(where: { numbers[form.questions[$0].name] == number })
                    else {
                        say("  ! Type the number of a question above, Enter, < or q.")
                        continue
                    }
                    mode = .changing
                    askedBeforeChange = Set(asked.map { form.questions[$0].name })
                    jumpFromReview = index
                    shownGroup = nil
                    return nil
                }
            }
        }
    }

    // MARK: Languages

    /// Whether `input` is the language key: `@` alone, or `@` and one of the form's language codes.
    private func isLanguageKey(_ input: String) -> Bool {
        guard input.hasPrefix("@") else { return false }
        let code = input.dropFirst().lowercased()
        return code.isEmpty || form.languages.contains { $0.code.lowercased() == code }
    }

    /// `@` changes to the form's next language, `@cy` to that one; says which. Returns whether
    /// the language changed (a form in one language has no other).
    private mutating func changeLanguage(_ input: String) -> Bool {
        let languages = form.languages
        guard languages.count > 1 else {
            say("  This form is in one language only.")
            return false
        }
        let code = input.dropFirst().lowercased()
        let chosen: FormLanguage
        if let named = languages.first(where: { $0.code.lowercased() == code }) {
            chosen = named
        } else {
            let current = languages.firstIndex { $0.code == (language ?? form.defaultLanguage) } ?? 0
            chosen = languages[(current + 1) % languages.count]
        }
        validator.language = chosen.code
        shownGroup = nil
        say("  Language: \(chosen).")
        return true
    }

    /// One answer of the review on one line: the number, the answer, and as much of the label
    /// as the width leaves.
    private func reviewLine(number: Int, label: String, answer: String) -> String {
        let start = "\(number). "
        let room = width - start.count - answer.count - 3
        guard room >= 12 else { return start + answer }
        let shortLabel = label.count <= room ? label : String(label.prefix(room - 1)) + "…"
        return start + shortLabel + ": " + answer
    }

    /// Shows text word-wrapped to the terminal's width; continuation lines start with `indent`.
    private func say(_ text: String, indent: String = "", first: String? = nil) {
        guard !text.isEmpty else { return write("\n") }
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let leading = String(paragraph.prefix { $0 == " " })
            let lines = FormPresenter.wrap(
                String(paragraph), width: width, indent: indent.isEmpty ? leading : indent,
                first: first ?? (leading.isEmpty ? indent : leading)
            )
            write(lines.joined(separator: "\n") + "\n")
        }
    }

    /// Shows the prompt and reads the answer; `nil` at the end of input.
    private func readAnswer() -> String? {
        write("> ")
        let line = read()
        if echo { write((line ?? "") + "\n") }
        return line
    }
}
