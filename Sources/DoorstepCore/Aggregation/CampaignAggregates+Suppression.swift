extension CampaignAggregates {
    /// The figures as a viewer may see them: small counts hidden, and every figure that could
    /// reveal one, within these figures or by difference with the figures viewers saw before.
    ///
    /// With threshold `k` (``Suppression/threshold``, default 5):
    /// * **primary**: every count from 1 to `k - 1` of residents' answers, visits' outcomes and
    ///   responses is hidden (0 is shown); so is every count that moved by 1 to `k - 1` since
    ///   viewers last saw it (`disclosed`), which would tell what the few residents in between said;
    /// * a street or area with too few responses hides all its figures but the doors on its list,
    ///   knocked and visits (so does one hidden to keep such a street or area company);
    /// * **secondary**: a reader knows which counts add up — a campaign's to its streets', to its form versions' and to its
    ///   areas', an area's to its streets', a single-choice question's choices and a number's
    ///   values to its answered count, the visit outcomes to the doors answered and knocked, an
    ///   agency's follow-ups to the same choice of the follow-up question, the safeguarding and
    ///   follow-up counts to the choices of a single such question, a free-text question's named
    ///   texts and other answers to its answered count (and when they do not add up
    ///   exactly, the small difference is protected like a hidden count). More counts are hidden
    ///   until, in every such sum whose total is shown, the hidden counts are none or two or more
    ///   adding up to `k` or more, and until no hidden count other than 0 can be worked out from
    ///   the shown ones by any combination of the sums (exact linear algebra over the sums).
    ///   Where a hidden street or area needs company, a whole street or area is hidden with it,
    ///   the one with the fewest responses;
    /// * percentages of hidden counts, or of hidden bases (answered, responses), are hidden; a
    ///   numeric summary is hidden with its answered count, hides its mean when any value count is
    ///   hidden, and its median, minimum and maximum when the value they name is hidden;
    ///   a number or month given by a hidden count is left out of the distribution, since even
    ///   its presence tells that someone gave it.
    ///
    /// Doors on the walk list, doors knocked and knocks are not residents' answers and stay shown.
    /// - Parameter disclosed: What viewers were shown before (``disclosed(after:)`` of the last
    ///   publication); `nil` for the first.
    /// - Returns: The suppressed figures, with ``Suppression/applied`` set.
    public func suppressed(after disclosed: DisclosedFigures? = nil) -> CampaignAggregates {
        var layout = SuppressionLayout(self, disclosed: disclosed)
        layout.table.solve()
        var result = self
        for (cell, path) in layout.paths where layout.table.hidden[cell] {
            result[keyPath: path] = nil
        }
        result.suppression.applied = true
        // Who knocked where and when is for organisers: a viewer's figures never carry it.
        result.work = nil
        // Nor how far each agency got with its follow-ups.
        result.followUpCompletion = nil
        // Nor where each door is and how its visit went: the streets' lines stay, shaded by figures.
        result.map?.doors = []
        result.headline.followUpsByAgency = result.headline.followUpsByAgency.map { Self.clearingHiddenPercent($0, base: result.responses) }
        result.questions = zip(questions, result.questions).map(Self.deriving)
        // A text given by a hidden count is left out: even its presence tells that someone wrote it.
        result.texts = result.texts.map { text in
            var text = text
            text.values = text.values.filter { $0.count != nil }.map { Self.clearingHiddenPercent($0, base: text.answered) }
            return text
        }
        for kind in Self.breakdownKinds {
            result[keyPath: kind] = zip(self[keyPath: kind], result[keyPath: kind]).map { original, suppressed in
                var breakdown = suppressed
                breakdown.questions = zip(original.questions, suppressed.questions).map(Self.deriving)
                return breakdown
            }
        }
        return result
    }

    /// What viewers have seen once these (suppressed) figures are published: every count they
    /// show, over what `previous` says was shown before.
    public func disclosed(after previous: DisclosedFigures?) -> DisclosedFigures {
        var disclosed = previous ?? DisclosedFigures()
        for figure in SuppressionLayout.figures(of: self) {
            if let value = self[keyPath: figure.path] { disclosed.counts[figure.key] = value }
        }
        return disclosed
    }

    /// The streets, the areas and the form versions.
    fileprivate static var breakdownKinds: [WritableKeyPath<CampaignAggregates, [Breakdown]>] { [\.streets, \.areas, \.versions] }

    private static func clearingHiddenPercent(_ bucket: BucketCount, base: Int?) -> BucketCount {
        var bucket = bucket
        if bucket.count == nil || base == nil { bucket.percent = nil }
        return bucket
    }

    /// A question's percentages, summary and distribution, once its counts are suppressed.
    private static func deriving(original: QuestionAggregate, suppressed: QuestionAggregate) -> QuestionAggregate {
        var question = suppressed
        question.choices = question.choices.map { clearingHiddenPercent($0, base: question.answered) }
        question.distribution = question.distribution.filter { $0.count != nil }
            .map { clearingHiddenPercent($0, base: question.answered) }
        guard var summary = question.summary else { return question }
        guard question.answered != nil else {
            question.summary = NumericSummary(n: nil, mean: nil, median: nil, min: nil, max: nil)
            return question
        }
        let hiddenValues = Set(suppressed.distribution.filter { $0.count == nil }.compactMap { Double($0.name) })
        if !hiddenValues.isEmpty { summary.mean = nil }
        if let min = summary.min, hiddenValues.contains(min) { summary.min = nil }
        if let max = summary.max, hiddenValues.contains(max) { summary.max = nil }
        if !hiddenValues.isEmpty, Self.medianValues(original.distribution).contains(where: hiddenValues.contains) {
            summary.median = nil
        }
        question.summary = summary
        return question
    }

    /// The one or two values the median is taken from.
    private static func medianValues(_ distribution: [BucketCount]) -> [Double] {
        let values = distribution.compactMap { bucket in Double(bucket.name).map { ($0, bucket.count ?? 0) } }
        let n = values.reduce(0) { $0 + $1.1 }
        guard n > 0 else { return [] }
        let positions = n % 2 == 1 ? [n / 2] : [n / 2 - 1, n / 2]
        return positions.compactMap { position in
            var seen = 0
            for (value, count) in values {
                seen += count
                if position < seen { return value }
            }
            return nil
        }
    }
}

/// The counts of some aggregates as cells of a ``SuppressionTable``, with the sums they make.
private struct SuppressionLayout {
    typealias Path = WritableKeyPath<CampaignAggregates, Int?>

    /// One count: its key in ``DisclosedFigures`` and where it is.
    struct Figure {
        /// What is counted, the same in every dimension: `responses`, `funnel.surveyed`,
        /// `question.feel_safe.choice.very_safe`, ...
        var measure: String
        var key: String
        var path: Path
    }

    /// Where a campaign's, a street's or an area's figures are.
    struct Scope {
        var dimension: String
        var responses: Path
        var declined: Path
        var safeguarding: Path
        var followUps: Path
        var funnel: WritableKeyPath<CampaignAggregates, VisitFunnel>
        var questions: WritableKeyPath<CampaignAggregates, [QuestionAggregate]>
        /// For a street, the areas its doors lie in.
        var areas: [String] = []
        /// Whether it has a visit funnel: a form version does not (a knock has no form version).
        var hasFunnel = true
        var isBreakdown: Bool { dimension != TallyKey.allDimension }

        static var campaign: Scope {
            Scope(
                dimension: TallyKey.allDimension, responses: \.responses, declined: \.declined,
                safeguarding: \.headline.safeguardingConcerns, followUps: \.headline.followUps,
                funnel: \.funnel, questions: \.questions
            )
        }

        static func breakdown(_ kind: WritableKeyPath<CampaignAggregates, [CampaignAggregates.Breakdown]>, _ index: Int, in aggregates: CampaignAggregates) -> Scope {
            let base = kind.appending(path: \[CampaignAggregates.Breakdown].[index])
            let breakdown = aggregates[keyPath: base]
            let dimension = switch kind {
            case \CampaignAggregates.streets: TallyKey.streetDimension(breakdown.name)
            case \CampaignAggregates.versions: TallyKey.versionDimension(breakdown.name)
            default: TallyKey.areaDimension(breakdown.name)
            }
            return Scope(
                dimension: dimension,
                responses: base.appending(path: \.responses), declined: base.appending(path: \.declined),
                safeguarding: base.appending(path: \.safeguardingConcerns), followUps: base.appending(path: \.followUps),
                funnel: base.appending(path: \.funnel), questions: base.appending(path: \.questions),
                areas: breakdown.areas, hasFunnel: kind != \CampaignAggregates.versions
            )
        }

        /// The scope's counts; the first is its response count.
        func figures(in aggregates: CampaignAggregates) -> [Figure] {
            var figures: [Figure] = []
            func add(_ measure: String, _ path: Path) {
                figures.append(Figure(measure: measure, key: dimension + "\t" + measure, path: path))
            }
            add("responses", responses)
            add("declined", declined)
            add("safeguarding", safeguarding)
            add("follow_ups", followUps)
            if hasFunnel {
                for (name, figure) in Self.funnelFigures { add("funnel." + name, funnel.appending(path: figure)) }
            }
            for (index, question) in aggregates[keyPath: questions].enumerated() {
                let path = questions.appending(path: \.[index])
                let prefix = "question." + question.name + "."
                add(prefix + "answered", path.appending(path: \.answered))
                for choice in question.choices.indices {
                    add(prefix + "choice." + question.choices[choice].name, path.appending(path: \.choices[choice].count))
                }
                for value in question.distribution.indices {
                    add(prefix + "value." + question.distribution[value].name, path.appending(path: \.distribution[value].count))
                }
            }
            if !isBreakdown {
                for index in aggregates.headline.followUpsByAgency.indices {
                    add("follow_up." + aggregates.headline.followUpsByAgency[index].name, \.headline.followUpsByAgency[index].count)
                }
                for (index, text) in aggregates.texts.enumerated() {
                    let prefix = "text." + text.name + "."
                    add(prefix + "answered", \.texts[index].answered)
                    for value in text.values.indices {
                        add(prefix + "value." + text.values[value].name, \.texts[index].values[value].count)
                    }
                    add(prefix + "other", \.texts[index].other)
                }
            }
            return figures
        }

        /// The funnel's counts of residents' doors; addresses, knocked and visits stay shown.
        static var funnelFigures: [(String, WritableKeyPath<VisitFunnel, Int?>)] { [
            ("answered", \.answered), ("surveyed", \.surveyed), ("declined", \.declined), ("refused", \.refused),
            ("revisits", \.revisits), ("no_answer", \.noAnswer),
        ] }
    }

    let aggregates: CampaignAggregates
    var table: SuppressionTable
    /// Each published cell's place in the aggregates.
    var paths: [Int: Path] = [:]

    init(_ aggregates: CampaignAggregates, disclosed: DisclosedFigures?) {
        self.aggregates = aggregates
        table = SuppressionTable(threshold: aggregates.suppression.threshold)
        let campaign = register(.campaign, disclosed: disclosed)
        var streets: [(scope: Scope, cells: [String: Int])] = []
        var areas: [String: (scope: Scope, cells: [String: Int])] = [:]
        for index in aggregates.streets.indices {
            let scope = Scope.breakdown(\.streets, index, in: aggregates)
            streets.append((scope, register(scope, disclosed: disclosed)))
        }
        for index in aggregates.areas.indices {
            let scope = Scope.breakdown(\.areas, index, in: aggregates)
            areas[aggregates.areas[index].name] = (scope, register(scope, disclosed: disclosed))
        }
        addHierarchy(campaign: (.campaign, campaign), streets: streets, areas: areas)
        let versions = aggregates.versions.indices.map { register(.breakdown(\.versions, $0, in: aggregates), disclosed: disclosed) }
        addVersions(campaign: campaign, versions: versions)
    }

    /// The sums across form versions: every response is recorded on exactly one, so each count of
    /// the campaign is its versions' counts added up; a choice an older version had counts towards
    /// the choice that replaces it (``QuestionAggregate/replacedChoices``).
    private mutating func addVersions(campaign: [String: Int], versions: [[String: Int]]) {
        guard !versions.isEmpty else { return }
        var replaced: [String: String] = [:]
        for question in aggregates.questions {
            for (old, new) in question.replacedChoices {
                replaced["question.\(question.name).choice.\(old)"] = "question.\(question.name).choice.\(new)"
            }
        }
        var parts: [String: [Int]] = [:]
        for cells in versions {
            for (measure, cell) in cells { parts[replaced[measure] ?? measure, default: []].append(cell) }
        }
        for (measure, total) in campaign.sorted(by: { $0.key < $1.key })
        where !measure.hasPrefix("funnel.") && !measure.hasPrefix("follow_up.") && !measure.hasPrefix("text.") {
            table.equation(totals: [total], parts: parts[measure] ?? [], acrossBreakdowns: true)
        }
    }

    /// Every count of `aggregates` with its key, campaign first.
    static func figures(of aggregates: CampaignAggregates) -> [Figure] {
        var scopes = [Scope.campaign]
        for index in aggregates.streets.indices { scopes.append(.breakdown(\.streets, index, in: aggregates)) }
        for index in aggregates.areas.indices { scopes.append(.breakdown(\.areas, index, in: aggregates)) }
        for index in aggregates.versions.indices { scopes.append(.breakdown(\.versions, index, in: aggregates)) }
        return scopes.flatMap { $0.figures(in: aggregates) }
    }

    /// Registers one scope's cells and the sums within it; returns its cells by measure.
    private mutating func register(_ scope: Scope, disclosed: DisclosedFigures?) -> [String: Int] {
        var cells: [String: Int] = [:]
        var whole: Int?
        for figure in scope.figures(in: aggregates) {
            let cell = table.add(aggregates[keyPath: figure.path], baseline: disclosed?.counts[figure.key], whole: whole)
            if scope.isBreakdown, whole == nil {
                whole = cell
                table.setWhole(cell, of: cell)
            }
            paths[cell] = figure.path
            cells[figure.measure] = cell
        }
        let responses = cells["responses"]!
        table.imply(responses, cells.values.filter { $0 != responses })

        let funnel = aggregates[keyPath: scope.funnel]
        let outcomes = ["surveyed", "declined", "refused", "revisits"].compactMap { cells["funnel." + $0] }
        // (A form version has no funnel, so none of these cells.)
        if let answered = cells["funnel.answered"], let noAnswer = cells["funnel.no_answer"] {
            let knocked = funnel.knocked ?? 0
            table.equation(totals: [answered], parts: outcomes)
            table.equation(totals: [], parts: [answered, noAnswer], known: knocked)
            table.equation(totals: [], parts: outcomes + [noAnswer], known: knocked)
        }

        let questions = aggregates[keyPath: scope.questions]
        for question in questions {
            let prefix = "question." + question.name + "."
            guard let answered = cells[prefix + "answered"] else { continue }
            let choices = question.choices.compactMap { cells[prefix + "choice." + $0.name] }
            let values = question.distribution.compactMap { cells[prefix + "value." + $0.name] }
            if question.kind == "select_one" { table.equation(totals: [answered], parts: choices) }
            if !values.isEmpty { table.equation(totals: [answered], parts: values) }
        }
        // A count shown twice, under two names, is one count: it must be hidden in both places.
        let headline = aggregates.headline
        func singleChoice(_ names: [String], counted: (String) -> Bool) -> [Int]? {
            guard names.count == 1, let question = questions.first(where: { $0.name == names[0] }),
                  question.kind == "select_one" else { return nil }
            return question.choices.filter { counted($0.name) }.compactMap { cells["question.\(question.name).choice.\($0.name)"] }
        }
        if let safeguarding = cells["safeguarding"],
           let flagged = singleChoice(headline.safeguardingQuestions, counted: { AnswerValue.text($0).isTruthy })
        {
            // A declined response may flag a concern without answering: exact only without consent.
            table.equation(totals: [safeguarding], parts: flagged, exact: headline.consentQuestions.isEmpty)
        }
        if let followUps = cells["follow_ups"],
           let asking = singleChoice(headline.followUpQuestions, counted: { choice in headline.followUpsByAgency.contains { $0.name == choice } })
        {
            table.equation(totals: [followUps], parts: asking)
        }
        if !scope.isBreakdown {
            // A free-text question's answers are its named texts and the others.
            for text in aggregates.texts {
                let prefix = "text." + text.name + "."
                guard let answered = cells[prefix + "answered"], let other = cells[prefix + "other"] else { continue }
                table.equation(totals: [answered], parts: text.values.compactMap { cells[prefix + "value." + $0.name] } + [other])
            }
            for agency in headline.followUpsByAgency {
                guard let cell = cells["follow_up." + agency.name] else { continue }
                let chosen = headline.followUpQuestions.compactMap { cells["question.\($0).choice.\(agency.name)"] }
                table.equation(totals: [cell], parts: chosen)
            }
        }
        return cells
    }

    /// The sums across dimensions: campaign = its streets = its areas, and each area = its streets
    /// (areas that share a street, together). A sum is exact when its doors on the list and doors
    /// knocked add up, as a reader can check; otherwise what lies outside the parts is a remainder.
    private mutating func addHierarchy(
        campaign: (scope: Scope, cells: [String: Int]), streets: [(scope: Scope, cells: [String: Int])],
        areas: [String: (scope: Scope, cells: [String: Int])]
    ) {
        // Areas joined by a street that lies in both are summed together.
        var group: [String: String] = Dictionary(uniqueKeysWithValues: areas.keys.map { ($0, $0) })
        func root(_ area: String) -> String {
            var area = area
            while let parent = group[area], parent != area { area = parent }
            return area
        }
        for street in streets where street.scope.areas.count > 1 {
            let known = street.scope.areas.filter { group[$0] != nil }
            for area in known.dropFirst() { group[root(area)] = root(known[0]) }
        }
        var groups: [String: (areas: [String], streets: [Int])] = [:]
        for area in areas.keys.sorted() { groups[root(area), default: ([], [])].areas.append(area) }
        for (index, street) in streets.enumerated() {
            guard let first = street.scope.areas.first(where: { areas[$0] != nil }) else { continue }
            groups[root(first), default: ([], [])].streets.append(index)
        }

        typealias Scoped = (scope: Scope, cells: [String: Int])
        var sums: [(totals: [Scoped], parts: [Scoped])] = []
        if !streets.isEmpty { sums.append(([campaign], streets)) }
        let areaList = areas.keys.sorted().compactMap { areas[$0] }
        if !areaList.isEmpty { sums.append(([campaign], areaList)) }
        for (_, members) in groups.sorted(by: { $0.key < $1.key }) where !members.streets.isEmpty {
            let groupAreas = members.areas.compactMap { areas[$0] }
            sums.append((groupAreas, members.streets.map { streets[$0] }))
            // Within a group of areas, each area is also its own streets plus its share of the
            // streets it shares: a small share must not be worked out either.
            guard members.areas.count > 1 else { continue }
            for area in members.areas {
                let own = members.streets.filter { streets[$0].scope.areas == [area] }
                if let scoped = areas[area], !own.isEmpty { sums.append(([scoped], own.map { streets[$0] })) }
            }
        }
        let measures = Set(campaign.cells.keys).union(streets.flatMap { $0.cells.keys }).union(areas.values.flatMap { $0.cells.keys })
            .filter { !$0.hasPrefix("follow_up.") && !$0.hasPrefix("text.") }
        for sum in sums {
            let exact = doors(sum.totals) == doors(sum.parts)
            for measure in measures.sorted() {
                table.equation(
                    totals: sum.totals.compactMap { $0.cells[measure] }, parts: sum.parts.compactMap { $0.cells[measure] },
                    exact: exact, acrossBreakdowns: true
                )
            }
        }
    }

    /// The doors on the list and the doors knocked of some scopes together: always shown.
    private func doors(_ scopes: [(scope: Scope, cells: [String: Int])]) -> [Int] {
        scopes.reduce(into: [0, 0]) { total, scoped in
            let funnel = aggregates[keyPath: scoped.scope.funnel]
            total[0] += funnel.addresses ?? 0
            total[1] += funnel.knocked ?? 0
        }
    }
}
