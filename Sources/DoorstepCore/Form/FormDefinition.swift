/// A questionnaire: one version of a form, as written in YAML by its author.
///
/// Forms are immutable once published; a change is a new `version`. See `docs/forms.md` for the
/// language. Parse one with ``FormDefinition/parse(yaml:)``.
public struct FormDefinition: Sendable, Hashable, Identifiable {
    /// The form's id, stable across versions.
    public var id: String
    /// The version, as the author wrote it (`3`, `2026-11-01`).
    public var version: String
    /// The title officers see.
    public var title: String
    /// Every question in order, groups flattened; each names its group.
    public var questions: [Question]
    /// Named choice lists.
    public var choiceLists: [String: [Choice]]
    /// The groups (sections) in the order they open; a question names its innermost one.
    public var groups: [QuestionGroup]
    /// The consent question (`consent: NAME`): a `select_one` whose choice `yes` records the
    /// resident's consent; `nil` when the form names none. See ``recordsConsent(_:)``.
    public var consent: String?
    /// The language of plain text and of ``LocalizedText/text``: `default_language`, else the
    /// first of `languages`, else the first language a text map uses; `nil` for a form written in
    /// one language that it does not name.
    public var defaultLanguage: String?
    /// The languages the form is written in: those `languages` lists, else the default and every
    /// language a text map uses, in the order they first appear.
    public var languages: [FormLanguage]
    /// Where follow-ups go (`follow_ups:`): which question names agencies, and which answers are
    /// sealed to them. Empty when the form asks for none.
    public var followUps: [FollowUpRoute]
    /// How long answers are kept when their question does not say (`retention:`); `nil` keeps
    /// them until erased.
    public var retention: RetentionPeriod?

    /// Creates a form from its parts; ``parse(yaml:)`` is the usual way.
    public init(
        id: String, version: String, title: String, questions: [Question], choiceLists: [String: [Choice]],
        groups: [QuestionGroup] = [], consent: String? = nil, defaultLanguage: String? = nil,
        languages: [FormLanguage] = [], followUps: [FollowUpRoute] = [], retention: RetentionPeriod? = nil
    ) {
        self.id = id
        self.version = version
        self.title = title
        self.questions = questions
        self.choiceLists = choiceLists
        self.groups = groups
        self.consent = consent
        self.defaultLanguage = defaultLanguage
        self.languages = languages
        self.followUps = followUps
        self.retention = retention
    }

    /// The form's language with code `code`, if it has one.
    public func language(_ code: String) -> FormLanguage? {
        languages.first { $0.code == code }
    }

    /// The group called `name`, if any.
    public func group(named name: String) -> QuestionGroup? {
        groups.first { $0.name == name }
    }

    /// The question called `name`, if any.
    public func question(named name: String) -> Question? {
        questions.first { $0.name == name }
    }

    /// Whether these answers record the resident's consent: the consent question is answered
    /// `yes`, or the form names none. A response without consent is *declined*: it is never
    /// counted as surveyed, and none of its answers is aggregated.
    public func recordsConsent(_ answers: Answers) -> Bool {
        guard let consent else { return true }
        return answers[consent] == Self.consentGiven
    }

    /// The answer to the consent question that records consent: the choice `yes`.
    public static let consentGiven = AnswerValue.text("yes")

    /// Names of questions marked `sensitive: true` (personal data). What an erasure removes is
    /// ``questionsErasedOnWithdrawal``, which may keep some of them.
    public var sensitiveQuestionNames: Set<String> {
        Set(questions.filter(\.sensitive).map(\.name))
    }

    /// Names of the questions whose answers a resident's withdrawal of consent erases (an erasure
    /// of scope `sensitive`): those whose ``Question/erasedOnWithdrawal`` holds.
    ///
    /// The one rule the client store, pulled erasures and the server all apply; an erasure of
    /// scope `all` removes every answer.
    public var questionsErasedOnWithdrawal: Set<String> {
        Set(questions.filter(\.erasedOnWithdrawal).map(\.name))
    }
}

/// A section of a form: a heading, and skip logic shared by every question inside it.
public struct QuestionGroup: Sendable, Hashable {
    public var name: String
    /// The section's heading, in each of the form's languages.
    public var localizedLabel: LocalizedText
    /// Guidance shown under the heading, in each of the form's languages.
    public var localizedHint: LocalizedText?
    /// XLSForm expression: the group's questions are asked only when it is true.
    public var relevant: String?
    /// The group this one sits in, if any.
    public var parent: String?

    public init(name: String, label: LocalizedText, hint: LocalizedText? = nil, relevant: String? = nil, parent: String? = nil) {
        self.name = name
        self.localizedLabel = label
        self.localizedHint = hint
        self.relevant = relevant
        self.parent = parent
    }

    /// The heading in the form's default language.
    public var label: String {
        get { localizedLabel.text }
        set { localizedLabel.text = newValue }
    }

    /// The hint in the form's default language.
    public var hint: String? { localizedHint?.text }
}

/// One question of a form.
public struct Question: Sendable, Hashable {
    public var name: String
    public var type: QuestionType
    /// The question as read out to the resident, or a note's text, in each of the form's
    /// languages; ``label`` is its text in the default language.
    public var localizedLabel: LocalizedText
    /// Guidance for the officer, shown under the label, in each of the form's languages.
    public var localizedHint: LocalizedText?
    public var required: Bool
    /// XLSForm expression: the question is asked only when it is true.
    public var relevant: String?
    /// XLSForm expression over `.`: the answer is valid only when it is true.
    public var constraint: String?
    /// What the officer is told when the constraint fails, in each of the form's languages.
    public var localizedConstraintMessage: LocalizedText?
    /// What the officer is told when a required question is left unanswered (XLSForm's
    /// `required_message`), in each of the form's languages; `An answer is required.` when `nil`.
    public var localizedRequiredMessage: LocalizedText?
    /// The answer given when the officer gives none, as text.
    public var defaultValue: String?
    /// XLSForm expression computing the value of a `calculate` question.
    public var calculate: String?
    /// Personal data: never aggregated, only for organisers, and by default erased when the
    /// resident withdraws consent (see ``onWithdrawal``).
    public var sensitive: Bool
    /// What a withdrawal of consent does with the answer, as the form wrote it (`on_withdrawal`);
    /// `nil` when the form leaves the default (see ``erasedOnWithdrawal``).
    public var onWithdrawal: OnWithdrawal?
    /// An answer here (`yes`, a non-empty choice, a true flag) marks a safeguarding concern.
    public var safeguarding: Bool
    /// The name of the group (section) the question sits in, if any.
    public var group: String?
    /// The choices of a select question, resolved from its list.
    public var choices: [Choice]
    /// XLSForm expression evaluated once per choice of a select question: only the choices for
    /// which it is true are offered (a cascading select). A bare word reads a column of the
    /// choice (``Choice/property(_:)``).
    public var choiceFilter: String?
    /// How long the answer is kept (`retention:`); the form's ``FormDefinition/retention`` when `nil`.
    public var retention: RetentionPeriod?

    public init(
        name: String, type: QuestionType, label: LocalizedText, hint: LocalizedText? = nil, required: Bool = false,
        relevant: String? = nil, constraint: String? = nil, constraintMessage: LocalizedText? = nil,
        requiredMessage: LocalizedText? = nil, defaultValue: String? = nil, calculate: String? = nil, sensitive: Bool = false,
        onWithdrawal: OnWithdrawal? = nil, safeguarding: Bool = false, group: String? = nil, choices: [Choice] = [],
        choiceFilter: String? = nil, retention: RetentionPeriod? = nil
    ) {
        self.name = name
        self.type = type
        self.localizedLabel = label
        self.localizedHint = hint
        self.required = required
        self.relevant = relevant
        self.constraint = constraint
        self.localizedConstraintMessage = constraintMessage
        self.localizedRequiredMessage = requiredMessage
        self.defaultValue = defaultValue
        self.calculate = calculate
        self.sensitive = sensitive
        self.onWithdrawal = onWithdrawal
        self.safeguarding = safeguarding
        self.group = group
        self.choices = choices
        self.choiceFilter = choiceFilter
        self.retention = retention
    }
}

extension Question {
    /// The label in the form's default language.
    public var label: String {
        get { localizedLabel.text }
        set { localizedLabel.text = newValue }
    }

    /// The hint in the form's default language.
    public var hint: String? { localizedHint?.text }

    /// The constraint message in the form's default language.
    public var constraintMessage: String? { localizedConstraintMessage?.text }

    /// Whether a resident's withdrawal of consent erases the answer: `on_withdrawal` as written,
    /// else `erase` for a `sensitive` question and `keep` for any other.
    public var erasedOnWithdrawal: Bool {
        (onWithdrawal ?? (sensitive ? .erase : .keep)) == .erase
    }
}

/// What a resident's withdrawal of consent does with a question's answer (`on_withdrawal`).
public enum OnWithdrawal: String, Sendable, Hashable {
    /// The answer is the resident's and goes with their consent (the default for `sensitive` questions).
    case erase
    /// The answer is the officer's own record, such as a safeguarding concern about someone else,
    /// and stays when the resident's personal answers are erased.
    case keep
}

/// The kinds of question, with XLSForm's names.
public enum QuestionType: Sendable, Hashable {
    case text
    case integer
    case decimal
    /// A calendar date, answered as `YYYY-MM-DD`.
    case date
    /// A time of day, answered as `HH:MM` or `HH:MM:SS` (24-hour).
    case time
    /// A date and a time, answered as `YYYY-MM-DDTHH:MM[:SS]`, with `Z` or `±HH:MM` where the
    /// officer gives one.
    case dateTime
    /// A statement the officer confirms (XLSForm's `acknowledge`): the answer is `OK`.
    case acknowledge
    /// One choice from the named list.
    case selectOne(list: String)
    /// Any number of choices from the named list.
    case selectMultiple(list: String)
    /// Text shown to the officer; takes no answer.
    case note
    /// A value computed from other answers; never asked.
    case calculate

    /// The type as a form writes it (XLSForm's names): `text`, `datetime`, `select_one yes_no`.
    public var written: String {
        switch self {
        case .text: "text"
        case .integer: "integer"
        case .decimal: "decimal"
        case .date: "date"
        case .time: "time"
        case .dateTime: "datetime"
        case .acknowledge: "acknowledge"
        case .selectOne(let list): "select_one \(list)"
        case .selectMultiple(let list): "select_multiple \(list)"
        case .note: "note"
        case .calculate: "calculate"
        }
    }

    /// Whether an officer types or picks an answer to it.
    public var takesInput: Bool {
        switch self {
        case .note, .calculate: false
        default: true
        }
    }
}

/// One choice of a list: the stored name and the label officers see.
public struct Choice: Sendable, Hashable {
    public var name: String
    /// What officers see, in each of the form's languages; ``label`` is the default language's.
    public var localizedLabel: LocalizedText
    /// Choices of earlier form versions this one stands for in the report: answers recorded as
    /// any of them are counted as this choice (`replaces:` in the form).
    public var replaces: [String]
    /// The choice's other columns (`county: north`), read by a question's `choice_filter`.
    public var properties: [String: String]

    public init(name: String, label: LocalizedText, replaces: [String] = [], properties: [String: String] = [:]) {
        self.name = name
        self.localizedLabel = label
        self.replaces = replaces
        self.properties = properties
    }

    /// The column `column` as a `choice_filter` reads it: `name` is the choice's name, any other
    /// one of its ``properties``.
    public func property(_ column: String) -> String? {
        column == "name" ? name : properties[column]
    }

    /// The label in the form's default language.
    public var label: String {
        get { localizedLabel.text }
        set { localizedLabel.text = newValue }
    }
}
