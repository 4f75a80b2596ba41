import Foundation

extension CampaignAggregates {
    /// The campaign's figures from its running tallies and visit funnels, nothing suppressed.
    ///
    /// Questions are labelled and ordered by the newest form version; questions and choices found
    /// only in older versions (still answered by responses recorded on them) follow.
    /// - Parameters:
    ///   - campaign: The campaign's id.
    ///   - name: The campaign's name.
    ///   - date: The day of action, if known.
    ///   - forms: The campaign form's versions, oldest first; must not be empty.
    ///   - tallies: The campaign's tallies (``Tally/contributions(of:form:street:area:)`` summed);
    ///     of the free-text ones, those of a text fewer than `threshold` gave may be left out.
    ///   - funnels: Visit funnels by dimension, from ``VisitFunnel/compute(addresses:visits:respondedAddresses:)``.
    ///   - streetAreas: The areas each street's doors lie in (``streetAreas(of:)``).
    ///   - threshold: The campaign's small-cell threshold, applied by ``suppressed(after:)``.
    public static func compute(
        campaign: String, name: String, date: String?, forms: [FormDefinition],
        tallies: [TallyKey: Int], funnels: [String: VisitFunnel], streetAreas: [String: [String]] = [:],
        threshold: Int = 5
    ) -> CampaignAggregates {
        var byDimension: [String: [String: [String: Int]]] = [:]
        for (key, count) in tallies where count > 0 {
            byDimension[key.dimension, default: [:]][key.question, default: [:]][key.bucket] = count
        }
        let all = byDimension[TallyKey.allDimension] ?? [:]
        var catalogue = QuestionCatalogue(forms: forms)
        // A calculation is shown only when it gives numbers.
        catalogue.questions.removeAll { $0.type == .calculate && all[$0.name] == nil }
        let responses = all[Tally.responseQuestion]?[Tally.responsesBucket] ?? 0

        var agencies: [BucketCount] = []
        for question in catalogue.followUpQuestions {
            let buckets = catalogue.buckets(of: question.name, in: all)
            for choice in catalogue.choices(of: question, seen: buckets)
            where forms.contains(where: { $0.asksForFollowUp(choice.name, on: question.name) }) {
                let count = buckets[choice.name] ?? 0
                if let index = agencies.firstIndex(where: { $0.name == choice.name }) {
                    agencies[index].count = (agencies[index].count ?? 0) + count
                } else {
                    agencies.append(BucketCount(name: choice.name, label: choice.label, count: count, percent: nil))
                }
            }
        }
        for index in agencies.indices {
            agencies[index].percent = percent(agencies[index].count ?? 0, of: responses)
        }

        func breakdowns(prefix: String) -> [Breakdown] {
            let dimensions = Set(byDimension.keys).union(funnels.keys).filter { $0.hasPrefix(prefix) }
            return dimensions.sorted().map { dimension in
                let tallies = byDimension[dimension] ?? [:]
                return Breakdown(
                    name: String(dimension.dropFirst(prefix.count)),
                    responses: tallies[Tally.responseQuestion]?[Tally.responsesBucket] ?? 0,
                    declined: tallies[Tally.responseQuestion]?[Tally.declinedBucket] ?? 0,
                    safeguardingConcerns: tallies[Tally.responseQuestion]?[Tally.safeguardingBucket] ?? 0,
                    followUps: tallies[Tally.responseQuestion]?[Tally.followUpBucket] ?? 0,
                    funnel: funnels[dimension] ?? .empty,
                    questions: catalogue.aggregates(from: tallies),
                    areas: prefix == TallyKey.streetDimension("") ? streetAreas[String(dimension.dropFirst(prefix.count))] ?? [] : []
                )
            }
        }

        let newest = forms.last
        var figures = CampaignAggregates(
            campaign: campaign, name: name, date: date,
            form: newest?.id ?? "", formVersion: newest?.version ?? "", formTitle: newest?.title ?? "",
            suppression: Suppression(applied: false, threshold: threshold),
            responses: responses,
            declined: all[Tally.responseQuestion]?[Tally.declinedBucket] ?? 0,
            headline: Headline(
                safeguardingConcerns: all[Tally.responseQuestion]?[Tally.safeguardingBucket] ?? 0,
                followUps: all[Tally.responseQuestion]?[Tally.followUpBucket] ?? 0,
                followUpsByAgency: agencies,
                safeguardingQuestions: Self.names(in: forms) { $0.questions.filter(\.safeguarding) },
                followUpQuestions: Self.names(in: forms) { $0.followUpQuestions },
                consentQuestions: Self.names(in: forms) { form in form.consent.flatMap(form.question(named:)).map { [$0] } ?? [] }
            ),
            funnel: funnels[TallyKey.allDimension] ?? .empty,
            questions: catalogue.aggregates(from: all),
            streets: breakdowns(prefix: TallyKey.streetDimension("")),
            areas: breakdowns(prefix: TallyKey.areaDimension(""))
        )
        if !forms.isEmpty { figures.formVersions = forms.map(\.version) }
        let text = byDimension[TallyKey.textDimension] ?? [:]
        figures.texts = Self.names(in: forms) { $0.countedTextQuestions }.compactMap { name in
            forms.reversed().lazy.compactMap { $0.question(named: name) }.first.map {
                TextCounts(question: $0, tallies: text[name] ?? [:], threshold: threshold)
            }
        }
        if forms.count > 1 {
            figures.versions = forms.map { form in
                let tallies = byDimension[TallyKey.versionDimension(form.version)] ?? [:]
                var own = QuestionCatalogue(forms: [form])
                own.questions.removeAll { $0.type == .calculate && tallies[$0.name] == nil }
                return Breakdown(
                    name: form.version,
                    responses: tallies[Tally.responseQuestion]?[Tally.responsesBucket] ?? 0,
                    declined: tallies[Tally.responseQuestion]?[Tally.declinedBucket] ?? 0,
                    safeguardingConcerns: tallies[Tally.responseQuestion]?[Tally.safeguardingBucket] ?? 0,
                    followUps: tallies[Tally.responseQuestion]?[Tally.followUpBucket] ?? 0,
                    funnel: .empty, questions: own.aggregates(from: tallies)
                )
            }
        }
        return figures
    }

    /// The areas the doors of each street lie in, by street, in name order; as ``VisitFunnel``
    /// counts them (names trimmed, empty ones left out).
    public static func streetAreas(of walkList: [WalkListAddress]) -> [String: [String]] {
        var areas: [String: Set<String>] = [:]
        for address in walkList {
            guard let street = address.street?.trimmingCharacters(in: .whitespaces), !street.isEmpty else { continue }
            let area = address.area?.trimmingCharacters(in: .whitespaces) ?? ""
            areas[street, default: []].formUnion(area.isEmpty ? [] : [area])
        }
        return areas.mapValues { $0.sorted() }
    }

    /// The names of the questions `pick` chooses in any version, newest version's order first.
    static func names(in forms: [FormDefinition], _ pick: (FormDefinition) -> [Question]) -> [String] {
        var names: [String] = []
        for form in forms.reversed() {
            for question in pick(form) where !names.contains(question.name) { names.append(question.name) }
        }
        return names
    }

    /// `count` as a percentage of `base`, rounded to one decimal; `nil` when the base is 0.
    static func percent(_ count: Int, of base: Int) -> Double? {
        guard base > 0 else { return nil }
        return (Double(count) * 1000 / Double(base)).rounded() / 10
    }
}

/// The aggregated questions of every version of a form, newest definition first.
struct QuestionCatalogue {
    var questions: [Question] = []
    /// The follow-up questions that name agencies.
    var followUpQuestions: [Question] = []

    /// The versions asking each question, by name, when not every version does.
    var askedIn: [String: [String]] = [:]

    /// Old choice names counted as a choice of the newest version asking the question, by question.
    var replaced: [String: [String: String]] = [:]
    /// The select questions whose choice lists changed between versions beyond what `replaces` maps.
    var perVersion: Set<String> = []

    init(forms: [FormDefinition]) {
        var index: [String: Int] = [:]
        var versions: [String: [String]] = [:]
        // What each choice replaces, by question; a newer version's word wins.
        var replacements: [String: [String: String]] = [:]
        for form in forms {
            for question in form.aggregatedQuestions {
                versions[question.name, default: []].append(form.version)
                for choice in question.choices {
                    for old in choice.replaces { replacements[question.name, default: [:]][old] = choice.name }
                }
            }
        }
        askedIn = versions.filter { $0.value.count < forms.count }
        var newestChoices: [String: Set<String>] = [:]
        for form in forms.reversed() {
            let followUps = Set(form.followUpAgencyQuestions.map(\.name))
            var previous: String?
            for question in form.aggregatedQuestions {
                defer { previous = question.name }
                if let position = index[question.name] {
                    // An older version's choice is counted as the newest list's choice that replaces
                    // it; one the newest list neither has nor replaces is kept, after, and the
                    // question is then read version by version.
                    let current = newestChoices[question.name] ?? []
                    for choice in question.choices where !current.contains(choice.name) {
                        if let target = Self.resolve(choice.name, replacements[question.name] ?? [:], in: current) {
                            replaced[question.name, default: [:]][choice.name] = target
                        } else {
                            perVersion.insert(question.name)
                            if !questions[position].choices.contains(where: { $0.name == choice.name }) {
                                questions[position].choices.append(choice)
                            }
                        }
                    }
                } else {
                    newestChoices[question.name] = Set(question.choices.map(\.name))
                    // A question only older versions ask goes where that version asked it: after
                    // the question before it there, so the report keeps the form's order.
                    let place = previous.flatMap { index[$0] }.map { $0 + 1 } ?? 0
                    questions.insert(question, at: min(place, questions.count))
                    index = Dictionary(uniqueKeysWithValues: questions.enumerated().map { ($1.name, $0) })
                    if followUps.contains(question.name) { followUpQuestions.append(question) }
                }
            }
        }
        followUpQuestions = followUpQuestions.compactMap { question in index[question.name].map { questions[$0] } }
    }

    /// The choice of `current` that `name` is counted as, following `replacements` (a chain of
    /// renames across versions included); `nil` when none.
    static func resolve(_ name: String, _ replacements: [String: String], in current: Set<String>) -> String? {
        var name = name
        var seen: Set<String> = []
        while !current.contains(name) {
            guard seen.insert(name).inserted, let next = replacements[name] else { return nil }
            name = next
        }
        return name
    }

    /// A question's buckets with the choices older versions had counted as the ones replacing them.
    func buckets(of question: String, in tallies: [String: [String: Int]]) -> [String: Int] {
        let buckets = tallies[question] ?? [:]
        guard let replaced = replaced[question] else { return buckets }
        var merged: [String: Int] = [:]
        for (name, count) in buckets { merged[name == Tally.answeredBucket ? name : replaced[name] ?? name, default: 0] += count }
        return merged
    }

    /// The question's choices in list order, then any other choice names the tallies hold.
    func choices(of question: Question, seen buckets: [String: Int]) -> [Choice] {
        var choices = question.choices
        let known = Set(choices.map(\.name))
        for name in buckets.keys.sorted() where name != Tally.answeredBucket && !known.contains(name) {
            choices.append(Choice(name: name, label: LocalizedText(name)))
        }
        return choices
    }

    /// Every question's figures from one dimension's tallies (question → bucket → count).
    func aggregates(from tallies: [String: [String: Int]]) -> [QuestionAggregate] {
        questions.map { question in
            let buckets = buckets(of: question.name, in: tallies)
            let answered = buckets[Tally.answeredBucket] ?? 0
            var aggregate = QuestionAggregate(
                name: question.name, label: question.reportLabel(in: nil), kind: question.type.reportKind,
                group: question.group, answered: answered, choices: [], distribution: [], summary: nil
            )
            aggregate.askedIn = askedIn[question.name]
            aggregate.replacedChoices = replaced[question.name] ?? [:]
            aggregate.perVersion = perVersion.contains(question.name)
            switch question.type {
            case .selectOne, .selectMultiple:
                aggregate.choices = choices(of: question, seen: buckets).map { choice in
                    let count = buckets[choice.name] ?? 0
                    return BucketCount(
                        name: choice.name, label: choice.label, count: count,
                        percent: CampaignAggregates.percent(count, of: answered)
                    )
                }
            case .integer, .decimal, .calculate:
                let values = buckets.compactMap { name, count -> (name: String, value: Double, count: Int)? in
                    guard name != Tally.answeredBucket, let value = Double(name) else { return nil }
                    return (name, value, count)
                }.sorted { $0.value < $1.value }
                aggregate.distribution = values.map {
                    BucketCount(
                        name: $0.name, label: $0.name, count: $0.count,
                        percent: CampaignAggregates.percent($0.count, of: answered)
                    )
                }
                aggregate.summary = NumericSummary.of(values.map { ($0.value, $0.count) })
            case .date:
                aggregate.distribution = buckets.keys.filter { $0 != Tally.answeredBucket }.sorted().map { month in
                    let count = buckets[month] ?? 0
                    return BucketCount(
                        name: month, label: month, count: count,
                        percent: CampaignAggregates.percent(count, of: answered)
                    )
                }
            case .text, .time, .dateTime, .acknowledge, .note:
                break
            }
            return aggregate
        }
    }
}

extension Question {
    /// The label in `language` (the default language when `nil`), or for a question without one
    /// (a calculation) its name in words: `problem_count` reads `Problem count`.
    public func reportLabel(in language: String?) -> String {
        let label = localizedLabel.text(in: language).trimmingCharacters(in: .whitespacesAndNewlines)
        guard label.isEmpty else { return label }
        let words = name.replacingOccurrences(of: "_", with: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }
}

extension QuestionType {
    /// The type's name in aggregates: XLSForm's, without the list.
    var reportKind: String {
        String(written.prefix { $0 != " " })
    }
}
