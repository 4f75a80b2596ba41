public import DoorstepCore
import Foundation

/// What a viewer can work out from published figures by solving every sum they know, written
/// apart from the suppression it tests.
///
/// The viewer knows the published counts, the walk list's streets and areas, and which counts add
/// up: a campaign's to its streets' and to its areas', an area's (or a group of areas sharing a
/// street) to its streets', a single-choice question's choices and a number's values to its
/// answered count, the visit outcomes to the doors answered and knocked, an agency's follow-ups to
/// the same choice, the safeguarding and follow-up counts to their question's choices, a
/// free-text question's named texts and other answers to its answered count, and a campaign's
/// counts to its form versions'. Each sum is
/// used only when it holds exactly in the true figures (a viewer who guesses it right). A hidden
/// count is *recovered* when those sums pin its value: its unit vector lies in the row space of the
/// sums over the hidden counts, found by Gaussian elimination.
public enum SubtractionAttack {
    /// The hidden counts, other than zeros, that the sums pin down, named `dimension|measure`;
    /// and the values a viewer cannot see listed (`value.*rest`, their sum) when pinned to a small sum.
    ///
    /// - Parameter threshold: The smallest count viewers may see.
    public static func recovered(
        published: CampaignAggregates, truth: CampaignAggregates, streetAreas: [String: [String]], threshold: Int = 5
    ) -> [String] {
        let shown = counts(of: published)
        var actual = counts(of: truth)
        // A number given by a hidden count is left out of the published copy: the viewer sees
        // only the values listed somewhere, and the rest of each answered count as one unknown.
        var listed: [String: Set<String>] = [:]
        for key in shown.keys {
            let parts = key.measure.split(separator: ".", omittingEmptySubsequences: false)
            if parts.count >= 4, parts[0] == "question", parts[2] == "value" {
                listed[String(parts[1]), default: []].insert(parts[3...].joined(separator: "."))
            }
        }
        for (key, value) in actual {
            let parts = key.measure.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count >= 4, parts[0] == "question", parts[2] == "value" else { continue }
            let bucket = parts[3...].joined(separator: ".")
            if listed[String(parts[1]), default: []].contains(bucket) { continue }
            actual[key] = nil
            actual[Key(key.dimension, "question.\(parts[1]).value.*rest"), default: 0] += value
        }
        let dimensions = Set(actual.keys.map(\.dimension)).union(shown.keys.map(\.dimension))
        var measures = Set(actual.keys.map(\.measure)).union(shown.keys.map(\.measure))
        for (question, _) in listed { measures.insert("question.\(question).value.*rest") }
        func value(_ key: Key) -> Int { actual[key] ?? 0 }

        // The unknowns: every count not published (hidden, or a listed value left out here).
        var unknowns: [Key] = []
        for dimension in dimensions.sorted() {
            for measure in measures.sorted() {
                let key = Key(dimension, measure)
                if (measure.hasPrefix("follow_up.") || measure.hasPrefix("text.")) && dimension != "all" { continue }
                let hidden = shown[key] == nil && (actual[key] != nil || isListed(measure, listed))
                if measure.hasSuffix(".*rest") || hidden {
                    unknowns.append(key)
                }
            }
        }
        let column = Dictionary(uniqueKeysWithValues: unknowns.enumerated().map { ($1, $0) })

        // The sums, as (column, +1 or -1) terms adding up to a known constant. A sum the viewer
        // cannot check exactly (a street crossing into another area) has a remainder: one more
        // unknown, which must not be pinned when small.
        var sums: [[(Int, Double)]] = []
        var remainders: [(name: String, value: Int)] = []
        func sum(_ totals: [Key], _ parts: [Key], known: Int = 0, exact: Bool = true) {
            let difference = totals.reduce(known, { $0 + value($1) }) - parts.reduce(0, { $0 + value($1) })
            if exact, difference != 0 { return }
            var terms = totals.compactMap { column[$0].map { ($0, 1.0) } } + parts.compactMap { column[$0].map { ($0, -1.0) } }
            if !exact {
                remainders.append(("\(totals.first?.description ?? "") minus \(parts.count) parts", difference))
                terms.append((unknowns.count + remainders.count - 1, -1))
            }
            if !terms.isEmpty { sums.append(terms) }
        }
        /// Doors on the list and knocked, always shown: the viewer checks a sum across places with them.
        func doors(_ dimensions: [String]) -> [Int] {
            [dimensions.reduce(0) { $0 + (shown[Key($1, "funnel.addresses")] ?? 0) },
             dimensions.reduce(0) { $0 + (shown[Key($1, "funnel.knocked")] ?? 0) }]
        }
        let streets = published.streets.map { "street:" + $0.name }
        let areas = published.areas.map { "area:" + $0.name }
        var group: [String: String] = [:]
        for area in published.areas.map(\.name) { group[area] = area }
        func root(_ area: String) -> String { group[area] == area ? area : root(group[area] ?? area) }
        for street in published.streets {
            let areasOfStreet = streetAreas[street.name] ?? []
            for area in areasOfStreet.dropFirst() { group[root(area)] = root(areasOfStreet[0]) }
        }
        var places: [(totals: [String], parts: [String])] = [(["all"], streets), (["all"], areas)]
        for groupRoot in Set(published.areas.map { root($0.name) }).sorted() {
            let members = published.areas.map(\.name).filter { root($0) == groupRoot }
            let inGroup = published.streets.filter { (streetAreas[$0.name] ?? []).contains { members.contains($0) } }
            places.append((members.map { "area:" + $0 }, inGroup.map { "street:" + $0.name }))
            for area in members where members.count > 1 {
                let own = published.streets.filter { streetAreas[$0.name] == [area] }
                places.append((["area:" + area], own.map { "street:" + $0.name }))
            }
        }
        for place in places where !place.parts.isEmpty {
            let exact = doors(place.totals) == doors(place.parts)
            // Agencies and free text are counted for the campaign only.
            for measure in measures
            where !measure.hasPrefix("follow_up.") && !measure.hasPrefix("text.") && !["funnel.addresses", "funnel.knocked"].contains(measure) {
                sum(place.totals.map { Key($0, measure) }, place.parts.map { Key($0, measure) }, exact: exact)
            }
        }
        // Every response is recorded on one form version: the campaign's counts are its versions',
        // an old choice counted as the one the form says replaces it.
        let versions = truth.versions.map { "version:" + $0.name }
        if !versions.isEmpty {
            var replaced: [String: String] = [:]
            for question in truth.questions {
                for (old, new) in question.replacedChoices {
                    replaced["question.\(question.name).choice.\(old)"] = "question.\(question.name).choice.\(new)"
                }
            }
            for measure in measures where !measure.hasPrefix("follow_up.") && !measure.hasPrefix("funnel.") && !measure.hasPrefix("text.") {
                let parts = versions.flatMap { version in
                    measures.filter { (replaced[$0] ?? $0) == measure }.map { Key(version, $0) }
                }
                sum([Key("all", measure)], parts)
            }
        }
        for dimension in dimensions {
            func key(_ measure: String) -> Key { Key(dimension, measure) }
            let outcomes = ["surveyed", "declined", "refused", "revisits"].map { key("funnel." + $0) }
            let ownQuestions = truth.versions.first { "version:" + $0.name == dimension }?.questions ?? truth.questions
            if !dimension.hasPrefix("version:") {
                sum([key("funnel.answered")], outcomes)
                sum([], [key("funnel.answered"), key("funnel.no_answer")], known: value(key("funnel.knocked")))
            }
            for question in ownQuestions {
                let prefix = "question.\(question.name)."
                let answered = key(prefix + "answered")
                if question.kind == "select_one" {
                    sum([answered], question.choices.map { key(prefix + "choice." + $0.name) })
                }
                let values = measures.filter { $0.hasPrefix(prefix + "value.") }.map(key)
                if !values.isEmpty { sum([answered], values) }
            }
            if truth.headline.safeguardingQuestions.count == 1, let question = truth.questions.first(where: {
                $0.name == truth.headline.safeguardingQuestions[0] && $0.kind == "select_one"
            }) {
                // A declined response may flag a concern without answering anything else.
                sum([key("safeguarding")], question.choices.filter { $0.name == "yes" }.map { key("question.\(question.name).choice.\($0.name)") },
                    exact: truth.headline.consentQuestions.isEmpty)
            }
        }
        // A free-text question's answers are its named texts (a hidden one left out, but still
        // there) and the others.
        for text in truth.texts {
            let prefix = "text.\(text.name)."
            sum([Key("all", prefix + "answered")], text.values.map { Key("all", prefix + "value." + $0.name) } + [Key("all", prefix + "other")])
        }
        for agency in truth.headline.followUpsByAgency {
            let choices = truth.headline.followUpQuestions.map { Key("all", "question.\($0).choice.\(agency.name)") }
                .filter { actual[$0] != nil || shown[$0] != nil }
            sum([Key("all", "follow_up." + agency.name)], choices)
        }

        let width = unknowns.count + remainders.count
        var rows: [[Double]] = sums.map { terms in
            var row = [Double](repeating: 0, count: width)
            for (index, sign) in terms { row[index] += sign }
            return row
        }
        return determined(&rows, width: width).compactMap { index -> String? in
            guard index < unknowns.count else {
                let remainder = remainders[index - unknowns.count]
                return abs(remainder.value) > 0 && abs(remainder.value) < threshold ? "remainder of \(remainder.name)" : nil
            }
            let key = unknowns[index]
            guard value(key) != 0, !key.measure.hasSuffix(".*rest") || value(key) < threshold else { return nil }
            return key.description
        }.sorted()
    }

    /// The counts viewers saw move by 1 to `threshold - 1` from one snapshot to the next (doors on
    /// the list and knocked, which are shown whatever they are, left out).
    public static func smallChanges(from earlier: CampaignAggregates, to later: CampaignAggregates, threshold: Int) -> [String] {
        let before = counts(of: earlier)
        return counts(of: later).compactMap { key, value in
            guard let old = before[key], !["funnel.knocked", "funnel.addresses"].contains(key.measure) else { return nil }
            let change = abs(value - old)
            return change > 0 && change < threshold ? "\(key): \(old) → \(value)" : nil
        }.sorted()
    }

    /// A count's place: its dimension (`all`, `street:NAME`, `area:NAME`) and what it counts.
    public struct Key: Hashable, Sendable, CustomStringConvertible {
        public var dimension: String
        public var measure: String
        public init(_ dimension: String, _ measure: String) {
            self.dimension = dimension
            self.measure = measure
        }
        public var description: String { "\(dimension)|\(measure)" }
    }

    /// Whether the viewer knows the count exists: a listed value, or any other count.
    private static func isListed(_ measure: String, _ listed: [String: Set<String>]) -> Bool {
        let parts = measure.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0] == "question", parts[2] == "value" else { return false }
        return listed[String(parts[1])]?.contains(parts[3...].joined(separator: ".")) == true
    }

    /// Every count the figures show (hidden ones left out), by key.
    public static func counts(of figures: CampaignAggregates) -> [Key: Int] {
        var counts: [Key: Int] = [:]
        func scope(_ dimension: String, responses: Int?, declined: Int?, safeguarding: Int?, followUps: Int?,
                   funnel: VisitFunnel?, questions: [QuestionAggregate]) {
            func add(_ measure: String, _ value: Int?) {
                if let value { counts[Key(dimension, measure)] = value }
            }
            add("responses", responses)
            add("declined", declined)
            add("safeguarding", safeguarding)
            add("follow_ups", followUps)
            if let funnel {
                add("funnel.answered", funnel.answered)
                add("funnel.surveyed", funnel.surveyed)
                add("funnel.declined", funnel.declined)
                add("funnel.refused", funnel.refused)
                add("funnel.revisits", funnel.revisits)
                add("funnel.no_answer", funnel.noAnswer)
                add("funnel.knocked", funnel.knocked)
                add("funnel.addresses", funnel.addresses)
            }
            for question in questions {
                add("question.\(question.name).answered", question.answered)
                for choice in question.choices { add("question.\(question.name).choice.\(choice.name)", choice.count) }
                for value in question.distribution { add("question.\(question.name).value.\(value.name)", value.count) }
            }
        }
        scope("all", responses: figures.responses, declined: figures.declined,
              safeguarding: figures.headline.safeguardingConcerns, followUps: figures.headline.followUps,
              funnel: figures.funnel, questions: figures.questions)
        for agency in figures.headline.followUpsByAgency {
            if let count = agency.count { counts[Key("all", "follow_up." + agency.name)] = count }
        }
        for text in figures.texts {
            if let answered = text.answered { counts[Key("all", "text.\(text.name).answered")] = answered }
            if let other = text.other { counts[Key("all", "text.\(text.name).other")] = other }
            for value in text.values {
                if let count = value.count { counts[Key("all", "text.\(text.name).value.\(value.name)")] = count }
            }
        }
        for (prefix, breakdowns) in [("street:", figures.streets), ("area:", figures.areas)] {
            for breakdown in breakdowns {
                scope(prefix + breakdown.name, responses: breakdown.responses, declined: breakdown.declined,
                      safeguarding: breakdown.safeguardingConcerns, followUps: breakdown.followUps,
                      funnel: breakdown.funnel, questions: breakdown.questions)
            }
        }
        // A form version has no visit funnel: a knock has no form version.
        for version in figures.versions {
            scope("version:" + version.name, responses: version.responses, declined: version.declined,
                  safeguarding: version.safeguardingConcerns, followUps: version.followUps,
                  funnel: nil, questions: version.questions)
        }
        return counts
    }

    /// Reduces `rows` and returns the columns pinned by a row with no other entry.
    private static func determined(_ rows: inout [[Double]], width: Int) -> [Int] {
        let tolerance = 1e-9
        var pivots: [Int] = []
        var rank = 0
        for column in 0..<width where rank < rows.count {
            guard let best = (rank..<rows.count).max(by: { abs(rows[$0][column]) < abs(rows[$1][column]) }),
                  abs(rows[best][column]) > tolerance else { continue }
            rows.swapAt(rank, best)
            let scale = rows[rank][column]
            rows[rank] = rows[rank].map { $0 / scale }
            for other in rows.indices where other != rank && abs(rows[other][column]) > tolerance {
                let factor = rows[other][column]
                for index in 0..<width { rows[other][index] -= factor * rows[rank][index] }
            }
            pivots.append(column)
            rank += 1
        }
        return pivots.enumerated().compactMap { row, column in
            rows[row].filter { abs($0) > tolerance }.count == 1 ? column : nil
        }
    }
}
