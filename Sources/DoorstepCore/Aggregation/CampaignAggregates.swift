/// What residents said in one campaign (day of action), counted: the figures organisers download
/// and the report draws.
///
/// Built from the server's running tallies with ``compute(campaign:name:date:forms:tallies:funnels:)``;
/// for viewers ``suppressed(threshold:)`` hides small counts and every figure that could reveal one.
/// A count that is `nil` is suppressed. Sensitive questions never appear; free text only as
/// counts of the texts many residents gave (``TextCounts``).
/// JSON keys are snake_case, as the rest of the HTTP API.
public struct CampaignAggregates: Codable, Sendable, Hashable {
    /// The campaign's id.
    public var campaign: String
    /// The campaign's name.
    public var name: String
    /// The day of action, `YYYY-MM-DD`, when known.
    public var date: String?
    /// The form's id.
    public var form: String
    /// The newest form version the figures are labelled with.
    public var formVersion: String
    /// The newest form version's title.
    public var formTitle: String
    /// Every published version of the form, oldest first (responses may be on any of them).
    public var formVersions: [String]
    /// Whether and how small counts were hidden.
    public var suppression: Suppression
    /// Responses counted (erased ones excluded): those with the resident's consent.
    public var responses: Int?
    /// Responses without the resident's consent (the form's `consent` question not answered
    /// `yes`): counted here only, never as responses or surveyed, their answers never aggregated.
    public var declined: Int?
    /// Safeguarding concerns and follow-ups.
    public var headline: Headline
    /// Doors on the walk list, knocked, answered, surveyed, refused and to revisit.
    public var funnel: VisitFunnel
    /// One entry per aggregated question, in form order.
    public var questions: [QuestionAggregate]
    /// The same figures street by street, by name.
    public var streets: [Breakdown]
    /// The same figures area by area, by name.
    public var areas: [Breakdown]
    /// The responses recorded on each form version, oldest version first, each with its own
    /// questions and choice lists (no visit funnel: a knock has no form version); empty when the
    /// form has one version.
    public var versions: [Breakdown] = []
    /// Knocks per officer and per hour, for organisers; `nil` in a viewer's figures.
    public var work: WorkSummary?
    /// Where the doors are, when the walk list says; a viewer's copy has the streets only.
    public var map: CampaignMap?
    /// The free-text questions that are not sensitive, their answers counted by text.
    public var texts: [TextCounts] = []
    /// Follow-ups by agency and outcome, for organisers; `nil` in a viewer's figures and for a
    /// form that routes no follow-up.
    public var followUpCompletion: [FollowUpCompletion]?

    /// Creates aggregates from their parts; ``compute(campaign:name:date:forms:tallies:funnels:)`` is the usual way.
    public init(
        campaign: String, name: String, date: String?, form: String, formVersion: String, formTitle: String,
        suppression: Suppression, responses: Int?, declined: Int? = 0, headline: Headline, funnel: VisitFunnel,
        questions: [QuestionAggregate], streets: [Breakdown], areas: [Breakdown]
    ) {
        self.campaign = campaign
        self.name = name
        self.date = date
        self.form = form
        self.formVersion = formVersion
        self.formTitle = formTitle
        formVersions = [formVersion]
        self.suppression = suppression
        self.responses = responses
        self.declined = declined
        self.headline = headline
        self.funnel = funnel
        self.questions = questions
        self.streets = streets
        self.areas = areas
    }

    private enum CodingKeys: String, CodingKey {
        case campaign, name, date, form, suppression, responses, declined, headline, funnel, questions, streets, areas, work
        case versions, map, texts
        case followUpCompletion = "follow_up_completion"
        case formVersion = "form_version", formTitle = "form_title", formVersions = "form_versions"
    }

    /// Decodes aggregates; `declined` may be absent (figures from before consent was counted).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        campaign = try container.decode(String.self, forKey: .campaign)
        name = try container.decode(String.self, forKey: .name)
        date = try container.decodeIfPresent(String.self, forKey: .date)
        form = try container.decode(String.self, forKey: .form)
        formVersion = try container.decode(String.self, forKey: .formVersion)
        formTitle = try container.decode(String.self, forKey: .formTitle)
        formVersions = try container.decodeIfPresent([String].self, forKey: .formVersions) ?? [formVersion]
        suppression = try container.decode(Suppression.self, forKey: .suppression)
        responses = try container.decodeIfPresent(Int.self, forKey: .responses)
        declined = try container.decodeIfPresent(Int.self, forKey: .declined)
        headline = try container.decode(Headline.self, forKey: .headline)
        funnel = try container.decode(VisitFunnel.self, forKey: .funnel)
        questions = try container.decode([QuestionAggregate].self, forKey: .questions)
        streets = try container.decode([Breakdown].self, forKey: .streets)
        areas = try container.decode([Breakdown].self, forKey: .areas)
        versions = try container.decodeIfPresent([Breakdown].self, forKey: .versions) ?? []
        work = try container.decodeIfPresent(WorkSummary.self, forKey: .work)
        map = try container.decodeIfPresent(CampaignMap.self, forKey: .map)
        texts = try container.decodeIfPresent([TextCounts].self, forKey: .texts) ?? []
        followUpCompletion = try container.decodeIfPresent([FollowUpCompletion].self, forKey: .followUpCompletion)
    }

    /// Encodes every key, a suppressed figure as `null`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(campaign, forKey: .campaign)
        try container.encode(name, forKey: .name)
        try container.encode(date, forKey: .date)
        try container.encode(form, forKey: .form)
        try container.encode(formVersion, forKey: .formVersion)
        try container.encode(formTitle, forKey: .formTitle)
        try container.encode(formVersions, forKey: .formVersions)
        try container.encode(suppression, forKey: .suppression)
        try container.encode(responses, forKey: .responses)
        try container.encode(declined, forKey: .declined)
        try container.encode(headline, forKey: .headline)
        try container.encode(funnel, forKey: .funnel)
        try container.encode(questions, forKey: .questions)
        try container.encode(streets, forKey: .streets)
        try container.encode(areas, forKey: .areas)
        try container.encode(versions, forKey: .versions)
        try container.encodeIfPresent(work, forKey: .work)
        try container.encodeIfPresent(map, forKey: .map)
        try container.encode(texts, forKey: .texts)
        try container.encodeIfPresent(followUpCompletion, forKey: .followUpCompletion)
    }

    /// Whether small counts were hidden, and below what.
    public struct Suppression: Codable, Sendable, Hashable {
        /// Small counts were hidden (the reader is a viewer).
        public var applied: Bool
        /// Counts from 1 to `threshold - 1` are hidden when applied.
        public var threshold: Int

        /// Creates a suppression note.
        public init(applied: Bool, threshold: Int) {
            self.applied = applied
            self.threshold = threshold
        }
    }

    /// The figures a board asks about first.
    public struct Headline: Codable, Sendable, Hashable {
        /// Responses flagging a safeguarding concern.
        public var safeguardingConcerns: Int?
        /// Responses asking at least one agency to follow up.
        public var followUps: Int?
        /// Follow-ups by agency (choice of a follow-up question); percentages are of responses.
        public var followUpsByAgency: [BucketCount]
        /// The questions marked `safeguarding: true`; none means the form cannot flag a concern.
        public var safeguardingQuestions: [String]
        /// The follow-up questions (``FormDefinition/followUpQuestions``); none means the form asks none.
        public var followUpQuestions: [String]
        /// The consent question of any version (``FormDefinition/consent``); none means the form
        /// names none, so no response is counted as declined.
        public var consentQuestions: [String]

        /// Creates headline figures.
        public init(
            safeguardingConcerns: Int?, followUps: Int?, followUpsByAgency: [BucketCount],
            safeguardingQuestions: [String] = [], followUpQuestions: [String] = [], consentQuestions: [String] = []
        ) {
            self.safeguardingConcerns = safeguardingConcerns
            self.followUps = followUps
            self.followUpsByAgency = followUpsByAgency
            self.safeguardingQuestions = safeguardingQuestions
            self.followUpQuestions = followUpQuestions
            self.consentQuestions = consentQuestions
        }

        private enum CodingKeys: String, CodingKey {
            case safeguardingConcerns = "safeguarding_concerns"
            case followUps = "follow_ups"
            case followUpsByAgency = "follow_ups_by_agency"
            case safeguardingQuestions = "safeguarding_questions"
            case followUpQuestions = "follow_up_questions"
            case consentQuestions = "consent_questions"
        }

        /// Decodes headline figures; the lists of questions may be absent.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            safeguardingConcerns = try container.decodeIfPresent(Int.self, forKey: .safeguardingConcerns)
            followUps = try container.decodeIfPresent(Int.self, forKey: .followUps)
            followUpsByAgency = try container.decode([BucketCount].self, forKey: .followUpsByAgency)
            safeguardingQuestions = try container.decodeIfPresent([String].self, forKey: .safeguardingQuestions) ?? []
            followUpQuestions = try container.decodeIfPresent([String].self, forKey: .followUpQuestions) ?? []
            consentQuestions = try container.decodeIfPresent([String].self, forKey: .consentQuestions) ?? []
        }

        /// Encodes every key, a suppressed figure as `null`.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(safeguardingConcerns, forKey: .safeguardingConcerns)
            try container.encode(followUps, forKey: .followUps)
            try container.encode(followUpsByAgency, forKey: .followUpsByAgency)
            try container.encode(safeguardingQuestions, forKey: .safeguardingQuestions)
            try container.encode(followUpQuestions, forKey: .followUpQuestions)
            try container.encode(consentQuestions, forKey: .consentQuestions)
        }
    }

    /// The figures of one street or one area.
    public struct Breakdown: Codable, Sendable, Hashable {
        /// The street's or area's name as on the walk list.
        public var name: String
        /// Responses from addresses there.
        public var responses: Int?
        /// Responses without consent from addresses there.
        public var declined: Int?
        /// Responses there flagging a safeguarding concern.
        public var safeguardingConcerns: Int?
        /// Responses there asking for a follow-up.
        public var followUps: Int?
        /// The visit funnel there.
        public var funnel: VisitFunnel
        /// Each aggregated question, answered there.
        public var questions: [QuestionAggregate]
        /// For a street: the areas its doors on the walk list lie in, so that a street's figures are
        /// known to add up to its area's (suppression relies on it); empty for an area.
        public var areas: [String]

        /// Creates a breakdown.
        public init(
            name: String, responses: Int?, declined: Int? = 0, safeguardingConcerns: Int?, followUps: Int?,
            funnel: VisitFunnel, questions: [QuestionAggregate], areas: [String] = []
        ) {
            self.areas = areas
            self.name = name
            self.responses = responses
            self.declined = declined
            self.safeguardingConcerns = safeguardingConcerns
            self.followUps = followUps
            self.funnel = funnel
            self.questions = questions
        }

        private enum CodingKeys: String, CodingKey {
            case name, responses, declined, funnel, questions, areas
            case safeguardingConcerns = "safeguarding_concerns"
            case followUps = "follow_ups"
        }

        /// Decodes a breakdown; `declined` and `areas` may be absent.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            responses = try container.decodeIfPresent(Int.self, forKey: .responses)
            declined = try container.decodeIfPresent(Int.self, forKey: .declined)
            safeguardingConcerns = try container.decodeIfPresent(Int.self, forKey: .safeguardingConcerns)
            followUps = try container.decodeIfPresent(Int.self, forKey: .followUps)
            funnel = try container.decode(VisitFunnel.self, forKey: .funnel)
            questions = try container.decode([QuestionAggregate].self, forKey: .questions)
            areas = try container.decodeIfPresent([String].self, forKey: .areas) ?? []
        }

        /// Encodes every key, a suppressed figure as `null`.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(responses, forKey: .responses)
            try container.encode(declined, forKey: .declined)
            try container.encode(safeguardingConcerns, forKey: .safeguardingConcerns)
            try container.encode(followUps, forKey: .followUps)
            try container.encode(funnel, forKey: .funnel)
            try container.encode(questions, forKey: .questions)
            try container.encode(areas, forKey: .areas)
        }
    }
}

/// The figures of one question.
public struct QuestionAggregate: Codable, Sendable, Hashable {
    /// The question's name.
    public var name: String
    /// The question's label, as officers read it.
    public var label: String
    /// `select_one`, `select_multiple`, `integer`, `decimal`, `date` or `calculate`.
    public var kind: String
    /// The group (section) the question sits in, if any.
    public var group: String?
    /// Responses that answered it.
    public var answered: Int?
    /// For select questions: each choice in list order, percentages of those who answered (they add
    /// up to more than 100 for a multi-select).
    public var choices: [BucketCount]
    /// For numbers: each value given, in numeric order; for dates: each month. Percentages of `answered`.
    public var distribution: [BucketCount]
    /// For numbers: n, mean, median, minimum and maximum.
    public var summary: NumericSummary?
    /// The form versions that ask the question, when not every version of the campaign does
    /// (`nil`: asked in all of them).
    public var askedIn: [String]?
    /// Choices of older versions counted as a choice of the newest, as the form's `replaces`
    /// says: old name → the choice it is counted as (empty when none).
    public var replacedChoices: [String: String] = [:]
    /// The choice list changed between versions in a way the form does not map: the figures by
    /// version (``CampaignAggregates/versions``) are the ones to read, each against its own list.
    public var perVersion = false

    /// Creates a question's figures.
    public init(
        name: String, label: String, kind: String, group: String?, answered: Int?,
        choices: [BucketCount], distribution: [BucketCount], summary: NumericSummary?
    ) {
        self.name = name
        self.label = label
        self.kind = kind
        self.group = group
        self.answered = answered
        self.choices = choices
        self.distribution = distribution
        self.summary = summary
    }

    private enum CodingKeys: String, CodingKey {
        case name, label, kind, group, answered, choices, distribution, summary
        case askedIn = "asked_in", replacedChoices = "replaced_choices", perVersion = "per_version"
    }

    /// Decodes a question's figures; the keys about form versions may be absent.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        label = try container.decode(String.self, forKey: .label)
        kind = try container.decode(String.self, forKey: .kind)
        group = try container.decodeIfPresent(String.self, forKey: .group)
        answered = try container.decodeIfPresent(Int.self, forKey: .answered)
        choices = try container.decode([BucketCount].self, forKey: .choices)
        distribution = try container.decode([BucketCount].self, forKey: .distribution)
        summary = try container.decodeIfPresent(NumericSummary.self, forKey: .summary)
        askedIn = try container.decodeIfPresent([String].self, forKey: .askedIn)
        replacedChoices = try container.decodeIfPresent([String: String].self, forKey: .replacedChoices) ?? [:]
        perVersion = try container.decodeIfPresent(Bool.self, forKey: .perVersion) ?? false
    }

    /// Encodes every key, a suppressed figure (or a missing group or summary) as `null`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(label, forKey: .label)
        try container.encode(kind, forKey: .kind)
        try container.encode(group, forKey: .group)
        try container.encode(answered, forKey: .answered)
        try container.encode(choices, forKey: .choices)
        try container.encode(distribution, forKey: .distribution)
        try container.encode(summary, forKey: .summary)
        try container.encodeIfPresent(askedIn, forKey: .askedIn)
        if !replacedChoices.isEmpty { try container.encode(replacedChoices, forKey: .replacedChoices) }
        if perVersion { try container.encode(true, forKey: .perVersion) }
    }

    /// Whether the question takes numbers, so its figures are a distribution and a summary.
    public var isNumeric: Bool { summary != nil || kind == "integer" || kind == "decimal" }
}

/// How many gave one answer, and what share that is.
public struct BucketCount: Codable, Sendable, Hashable {
    /// The choice name, the number as text or the month `YYYY-MM`.
    public var name: String
    /// The choice's label (the name again for numbers and months).
    public var label: String
    /// How many; `nil` when suppressed.
    public var count: Int?
    /// The share of the base, 0–100 rounded to one decimal; `nil` when suppressed or the base is 0.
    public var percent: Double?

    /// Creates a count.
    public init(name: String, label: String, count: Int?, percent: Double?) {
        self.name = name
        self.label = label
        self.count = count
        self.percent = percent
    }

    private enum CodingKeys: String, CodingKey { case name, label, count, percent }

    /// Encodes every key, a suppressed count or percentage as `null`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(label, forKey: .label)
        try container.encode(count, forKey: .count)
        try container.encode(percent, forKey: .percent)
    }
}

/// A summary of the numbers given to one question, computed from its value buckets.
public struct NumericSummary: Codable, Sendable, Hashable {
    /// How many numbers.
    public var n: Int?
    /// The average; `nil` when there are no numbers or it could reveal a suppressed count.
    public var mean: Double?
    /// The middle value (the average of the two middle ones for an even n).
    public var median: Double?
    /// The smallest value; `nil` for viewers when fewer than the threshold gave it.
    public var min: Double?
    /// The largest value; `nil` for viewers when fewer than the threshold gave it.
    public var max: Double?

    /// Creates a summary.
    public init(n: Int?, mean: Double?, median: Double?, min: Double?, max: Double?) {
        self.n = n
        self.mean = mean
        self.median = median
        self.min = min
        self.max = max
    }

    private enum CodingKeys: String, CodingKey { case n, mean, median, min, max }

    /// Encodes every key, a suppressed or undefined figure as `null`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(n, forKey: .n)
        try container.encode(mean, forKey: .mean)
        try container.encode(median, forKey: .median)
        try container.encode(min, forKey: .min)
        try container.encode(max, forKey: .max)
    }

    /// The summary of values given as (value, how many), in any order; `nil` figures when empty.
    public static func of(_ buckets: [(value: Double, count: Int)]) -> NumericSummary {
        let sorted = buckets.filter { $0.count > 0 }.sorted { $0.value < $1.value }
        let n = sorted.reduce(0) { $0 + $1.count }
        guard n > 0, let first = sorted.first, let last = sorted.last else {
            return NumericSummary(n: 0, mean: nil, median: nil, min: nil, max: nil)
        }
        /// The value at a 0-based position among the n values in order.
        func value(at position: Int) -> Double {
            var seen = 0
            for bucket in sorted {
                seen += bucket.count
                if position < seen { return bucket.value }
            }
            return last.value
        }
        // Halving each before adding: the midpoint of two numbers near the largest `Double` is finite.
        let median = n % 2 == 1 ? value(at: n / 2) : value(at: n / 2 - 1) / 2 + value(at: n / 2) / 2
        return NumericSummary(n: n, mean: mean(sorted, n: n), median: median, min: first.value, max: last.value)
    }

    /// The mean of `n` values given as (value, how many); finite whenever every value is.
    ///
    /// Summed as they are, a few values near the largest `Double` (`1e308`) overflow to infinity,
    /// which JSON cannot hold. Then the values are scaled down by a power of two (exact) before
    /// they are added, and the mean scaled back up, kept between the smallest and the largest value.
    static func mean(_ buckets: [(value: Double, count: Int)], n: Int) -> Double {
        let total = buckets.reduce(0.0) { $0 + $1.value * Double($1.count) }
        if total.isFinite { return total / Double(n) }
        let largest = buckets.map { abs($0.value) }.max() ?? 0
        guard largest.isFinite, largest > 0 else { return total / Double(n) }
        let scale = Double(sign: .plus, exponent: largest.exponent, significand: 1)
        let scaled = buckets.reduce(0.0) { $0 + ($1.value / scale) * (Double($1.count) / Double(n)) }
        // Rounding must not carry the mean past the values it is the mean of.
        let values = buckets.map(\.value)
        return Swift.min(Swift.max(scaled * scale, values.min() ?? 0), values.max() ?? 0)
    }
}
