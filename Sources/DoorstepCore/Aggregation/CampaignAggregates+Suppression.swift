extension CampaignAggregates {
    /// The figures as a viewer may see them: small counts hidden, and every figure that could
    /// reveal one.
    ///
    /// With threshold `k` (``Suppression/threshold``, default 5):
    /// * **primary**: every count from 1 to `k - 1` of residents' answers is hidden (0 is shown);
    /// * **secondary**: where counts add up to a figure that is shown (a single-choice question's
    ///   choices to its answered count, a number's values to theirs, the streets' or areas' counts to
    ///   the campaign's), hiding one cell alone would let it be worked out by subtraction, so the
    ///   next smallest is hidden too, until each such group hides none or at least two cells adding
    ///   up to `k` or more;
    /// * a question whose answered count is hidden hides all its figures; a street or area whose
    ///   response count is hidden hides all its figures except the doors on its list and knocked;
    /// * percentages of hidden counts are hidden; a numeric summary hides its mean when any value
    ///   count is hidden, and its median, minimum and maximum when the value they name is hidden.
    ///
    /// Doors on the walk list, doors knocked and knocks are not residents' answers and stay shown.
    /// - Returns: The suppressed figures, with ``Suppression/applied`` set.
    public func suppressed() -> CampaignAggregates {
        var layout = SuppressionLayout(threshold: max(1, suppression.threshold))
        layout.register(self)
        layout.table.solve()
        var result = self
        for (path, cell) in layout.paths where layout.table.hidden[cell] {
            result[keyPath: path] = nil
        }
        result.suppression.applied = true
        result.headline.followUpsByAgency = result.headline.followUpsByAgency.map(Self.clearingHiddenPercent)
        result.questions = zip(questions, result.questions).map(Self.deriving)
        for kind in Self.breakdownKinds {
            result[keyPath: kind] = zip(self[keyPath: kind], result[keyPath: kind]).map { original, suppressed in
                var breakdown = suppressed
                breakdown.questions = zip(original.questions, suppressed.questions).map(Self.deriving)
                return breakdown
            }
        }
        return result
    }

    /// The streets and the areas.
    fileprivate static var breakdownKinds: [WritableKeyPath<CampaignAggregates, [Breakdown]>] { [\.streets, \.areas] }

    private static func clearingHiddenPercent(_ bucket: BucketCount) -> BucketCount {
        var bucket = bucket
        if bucket.count == nil { bucket.percent = nil }
        return bucket
    }

    /// A question's percentages and summary, once its counts are suppressed.
    private static func deriving(original: QuestionAggregate, suppressed: QuestionAggregate) -> QuestionAggregate {
        var question = suppressed
        question.choices = question.choices.map(clearingHiddenPercent)
        question.distribution = question.distribution.map(clearingHiddenPercent)
        guard var summary = question.summary else { return question }
        guard question.answered != nil else {
            question.summary = NumericSummary(n: nil, mean: nil, median: nil, min: nil, max: nil)
            return question
        }
        let hiddenValues = Set(question.distribution.filter { $0.count == nil }.compactMap { Double($0.name) })
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

/// Which figures of some aggregates are cells of the suppression table, and how they relate.
private struct SuppressionLayout {
    typealias Path = WritableKeyPath<CampaignAggregates, Int?>
    var table: SuppressionTable
    var paths: [(Path, Int)] = []

    init(threshold: Int) {
        table = SuppressionTable(threshold: threshold)
    }

    /// The cells of one question's figures.
    struct QuestionCells {
        var answered: Int
        var choices: [String: Int] = [:]
        var distribution: [String: Int] = [:]
        var all: [Int] { [answered] + Array(choices.values) + Array(distribution.values) }
    }

    /// The cells of a campaign, a street or an area.
    struct ScopeCells {
        var responses: Int
        var safeguarding: Int
        var followUps: Int
        var funnel: [Int]
        var questions: [String: QuestionCells] = [:]
        var all: [Int] { [responses, safeguarding, followUps] + funnel + questions.values.flatMap(\.all) }
    }

    mutating func cell(_ path: Path, in aggregates: CampaignAggregates, primary: Bool = true) -> Int {
        let cell = table.add(aggregates[keyPath: path], primary: primary)
        paths.append((path, cell))
        return cell
    }

    mutating func register(_ aggregates: CampaignAggregates) {
        let campaign = scope(
            in: aggregates, responses: \.responses,
            safeguarding: \.headline.safeguardingConcerns, followUps: \.headline.followUps,
            funnel: \.funnel, questions: \.questions
        )
        var agencies: [Int] = []
        for index in aggregates.headline.followUpsByAgency.indices {
            agencies.append(cell(\.headline.followUpsByAgency[index].count, in: aggregates))
        }
        table.imply(campaign.responses, agencies)
        table.imply(campaign.followUps, agencies)

        for kind in CampaignAggregates.breakdownKinds {
            var parts: [ScopeCells] = []
            for index in aggregates[keyPath: kind].indices {
                let breakdown: WritableKeyPath<CampaignAggregates, CampaignAggregates.Breakdown> =
                    kind.appending(path: \[CampaignAggregates.Breakdown].[index])
                parts.append(scope(
                    in: aggregates, responses: breakdown.appending(path: \CampaignAggregates.Breakdown.responses),
                    safeguarding: breakdown.appending(path: \CampaignAggregates.Breakdown.safeguardingConcerns),
                    followUps: breakdown.appending(path: \CampaignAggregates.Breakdown.followUps),
                    funnel: breakdown.appending(path: \CampaignAggregates.Breakdown.funnel), questions: breakdown.appending(path: \CampaignAggregates.Breakdown.questions)
                ))
            }
            crossGroups(whole: campaign, parts: parts)
        }
    }

    /// Registers the cells of one scope: its counts, funnel and questions, and how they relate.
    private mutating func scope(
        in aggregates: CampaignAggregates, responses: Path, safeguarding: Path, followUps: Path,
        funnel: WritableKeyPath<CampaignAggregates, VisitFunnel>,
        questions: WritableKeyPath<CampaignAggregates, [QuestionAggregate]>
    ) -> ScopeCells {
        let shownFunnel: [WritableKeyPath<VisitFunnel, Int?>] = [\.addresses, \.knocked, \.visits]
        for figure in shownFunnel { _ = cell(funnel.appending(path: figure), in: aggregates, primary: false) }
        let outcomes: [WritableKeyPath<VisitFunnel, Int?>] = [\.surveyed, \.refused, \.revisits, \.noAnswer]
        let outcomeCells = outcomes.map { cell(funnel.appending(path: $0), in: aggregates) }
        let answeredCell = cell(funnel.appending(path: \.answered), in: aggregates)
        table.group(outcomeCells)
        table.group(Array(outcomeCells.prefix(3)))
        table.group([answeredCell, outcomeCells[3]])
        table.imply(answeredCell, Array(outcomeCells.prefix(3)))
        var cells = ScopeCells(
            responses: cell(responses, in: aggregates),
            safeguarding: cell(safeguarding, in: aggregates),
            followUps: cell(followUps, in: aggregates),
            funnel: outcomeCells + [answeredCell]
        )
        for index in aggregates[keyPath: questions].indices {
            let path = questions.appending(path: \.[index])
            let question = aggregates[keyPath: path]
            var questionCells = QuestionCells(answered: cell(path.appending(path: \.answered), in: aggregates))
            for choice in question.choices.indices {
                questionCells.choices[question.choices[choice].name] =
                    cell(path.appending(path: \.choices[choice].count), in: aggregates)
            }
            for value in question.distribution.indices {
                questionCells.distribution[question.distribution[value].name] =
                    cell(path.appending(path: \.distribution[value].count), in: aggregates)
            }
            table.imply(questionCells.answered, Array(questionCells.choices.values) + Array(questionCells.distribution.values))
            if question.kind == "select_one" { table.group(Array(questionCells.choices.values)) }
            table.group(Array(questionCells.distribution.values))
            cells.questions[question.name] = questionCells
        }
        table.imply(cells.responses, cells.all.filter { $0 != cells.responses })
        return cells
    }

    /// Groups each figure of the parts (streets or areas) that add up to the whole's figure.
    private mutating func crossGroups(whole: ScopeCells, parts: [ScopeCells]) {
        guard parts.count > 1 else { return }
        func group(_ total: Int, _ cells: [Int]) {
            if cells.reduce(0, { $0 + table.values[$1] }) == table.values[total] { table.group(cells) }
        }
        group(whole.responses, parts.map(\.responses))
        group(whole.safeguarding, parts.map(\.safeguarding))
        group(whole.followUps, parts.map(\.followUps))
        for index in whole.funnel.indices {
            group(whole.funnel[index], parts.map { $0.funnel[index] })
        }
        for (name, question) in whole.questions {
            group(question.answered, parts.compactMap { $0.questions[name]?.answered })
            for (choice, total) in question.choices {
                group(total, parts.map { $0.questions[name]?.choices[choice] }.compactMap { $0 })
            }
            for (value, total) in question.distribution {
                group(total, parts.map { $0.questions[name]?.distribution[value] }.compactMap { $0 })
            }
        }
    }
}

/// Cells (counts), the groups of cells that add up to a shown figure, and which hidden cell hides
/// which others; ``solve()`` decides what is hidden.
struct SuppressionTable {
    let threshold: Int
    private(set) var values: [Int] = []
    private(set) var hidden: [Bool] = []
    private var primary: [Bool] = []
    private var groups: [[Int]] = []
    private var implications: [Int: [Int]] = [:]

    init(threshold: Int) {
        self.threshold = threshold
    }

    /// Adds a cell; a `nil` value is hidden already. `primary` cells are hidden when small.
    mutating func add(_ value: Int?, primary: Bool = true) -> Int {
        values.append(value ?? 0)
        hidden.append(value == nil)
        self.primary.append(primary)
        return values.count - 1
    }

    /// Cells whose sum is known to a reader, so one hidden cell among them is not enough.
    mutating func group(_ cells: [Int]) {
        if cells.count > 1 { groups.append(cells) }
    }

    /// When `cell` is hidden, `others` are hidden too.
    mutating func imply(_ cell: Int, _ others: [Int]) {
        implications[cell, default: []].append(contentsOf: others)
    }

    /// Hides small cells, then what they imply, then more cells of each group until no hidden cell
    /// can be worked out: each group hides no positive count, or two or more cells adding up to the
    /// threshold or more (or every positive count it has).
    mutating func solve() {
        for cell in values.indices where primary[cell] && values[cell] > 0 && values[cell] < threshold {
            hidden[cell] = true
        }
        var changed = true
        while changed {
            changed = false
            for (cell, others) in implications where hidden[cell] {
                for other in others where !hidden[other] {
                    hidden[other] = true
                    changed = true
                }
            }
            for group in groups {
                let hiddenCells = group.filter { hidden[$0] }
                guard !hiddenCells.isEmpty else { continue }
                // Hidden zeros reveal nothing that is not shown anyway: zeros are not suppressed.
                let hiddenSum = hiddenCells.reduce(0) { $0 + values[$1] }
                guard hiddenSum > 0, hiddenCells.count == 1 || hiddenSum < threshold else { continue }
                let candidates = group.filter { !hidden[$0] }
                let positive = candidates.filter { values[$0] > 0 }
                if let next = positive.min(by: { values[$0] < values[$1] }) {
                    hidden[next] = true
                    changed = true
                } else if hiddenCells.count == 1, let next = candidates.first {
                    hidden[next] = true
                    changed = true
                }
            }
        }
    }
}
