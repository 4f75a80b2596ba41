import DoorstepCore

/// What the day found, in a few sentences a board reads in a minute, written from the figures:
/// how many doors were reached, the safeguarding concerns and follow-ups, and the answer most
/// residents gave to each of the first questions with choices. A comparison adds the largest
/// change between the two days.
///
/// A sentence whose figure is hidden (a viewer's copy) is left out rather than written with a gap.
enum KeyFindings {
    /// The most questions with choices that get a sentence of their own.
    static let questionSentences = 4

    /// The sentences for one campaign's figures.
    static func sentences(_ figures: CampaignAggregates) -> [String] {
        var sentences: [String] = []
        let funnel = figures.funnel
        if let addresses = funnel.addresses, addresses > 0, let knocked = funnel.knocked {
            var sentence = "\(HTML.count(knocked)) of \(HTML.count(addresses)) doors on the walk list were knocked"
            if let share = ReportText.share(knocked, of: addresses) { sentence += " (\(HTML.percent(share)))" }
            if let surveyed = funnel.surveyed {
                sentence += " and \(HTML.count(surveyed)) surveyed"
                if let share = ReportText.share(surveyed, of: addresses) { sentence += " (\(HTML.percent(share)) of the list)" }
            }
            sentences.append(sentence + ".")
        }
        if !figures.headline.safeguardingQuestions.isEmpty, let concerns = figures.headline.safeguardingConcerns {
            sentences.append(concerns == 0
                ? "No safeguarding concern was flagged."
                : "\(HTML.count(concerns)) safeguarding concern\(concerns == 1 ? " was" : "s were") flagged by officers.")
        }
        if !figures.headline.followUpQuestions.isEmpty, let followUps = figures.headline.followUps, followUps > 0 {
            var sentence = "\(HTML.count(followUps)) resident\(followUps == 1 ? "" : "s") asked for a follow-up"
            var agencies = figures.headline.followUpsByAgency.compactMap { agency in
                agency.count.flatMap { $0 > 0 ? "\(agency.label) \(HTML.count($0))" : nil }
            }
            if figures.headline.followUpsByAgency.contains(where: { $0.count == nil }) { agencies.append("others hidden") }
            if !agencies.isEmpty { sentence += " (\(agencies.joined(separator: ", ")))" }
            sentences.append(sentence + ".")
        }
        // The consent question says nothing: every response counted consented. A question whose
        // choices changed between versions has no one list to take a largest share of.
        let consent = Set(figures.headline.consentQuestions)
        for question in figures.questions.filter({ $0.kind == "select_one" && !consent.contains($0.name) && !$0.perVersion })
            .prefix(questionSentences) {
            if let sentence = largestShare(question) { sentences.append(sentence) }
        }
        return sentences
    }

    /// "Most said Fairly safe (39.4% of 33) to How safe do you feel after dark?", or `nil` when
    /// nobody answered, the top answer is hidden or two answers share the top.
    static func largestShare(_ question: QuestionAggregate) -> String? {
        guard let answered = question.answered, answered > 0 else { return nil }
        let shown = question.choices.filter { $0.count != nil && $0.percent != nil }
        guard shown.count == question.choices.count,
              let top = shown.max(by: { ($0.count ?? 0) < ($1.count ?? 0) }), let percent = top.percent, (top.count ?? 0) > 0,
              shown.filter({ $0.count == top.count }).count == 1
        else { return nil }
        let label = question.label.hasSuffix("?") ? question.label : question.label + ":"
        let most = percent > 50 ? "Most" : "The largest group"
        return "\(label) \(most) answered \u{201C}\(top.label)\u{201D} (\(HTML.percent(percent)) of \(HTML.count(answered)))."
    }

    /// The largest change in a choice's share between two days, in percentage points, among the
    /// questions both asked to at least `minimumBase` residents each day (a share of a handful
    /// swings by itself); `nil` when there is none.
    static func largestChange(earlier: CampaignAggregates, later: CampaignAggregates, names: [String]) -> String? {
        let minimumBase = max(earlier.suppression.threshold, later.suppression.threshold)
        let consent = Set(later.headline.consentQuestions)
        var best: (points: Double, question: QuestionAggregate, choice: String, from: Double, to: Double, base: Int)?
        for question in later.questions
        where (question.kind == "select_one" || question.kind == "select_multiple") && !consent.contains(question.name) {
            guard let before = earlier.questions.first(where: { $0.name == question.name }),
                  let baseBefore = before.answered, let baseAfter = question.answered,
                  baseBefore >= minimumBase, baseAfter >= minimumBase
            else { continue }
            for choice in question.choices {
                guard let to = choice.percent,
                      let from = before.choices.first(where: { $0.name == choice.name })?.percent
                else { continue }
                if abs(to - from) > abs(best?.points ?? 0) { best = (to - from, question, choice.label, from, to, baseBefore) }
            }
        }
        guard let best, best.points != 0 else { return nil }
        let direction = best.points > 0 ? "rose" : "fell"
        let points = HTML.decimal(abs(best.points), places: 1)
        return "The largest change: \u{201C}\(best.choice)\u{201D} as the answer to \u{201C}\(best.question.label)\u{201D} \(direction) from "
            + "\(HTML.percent(best.from)) of \(HTML.count(best.base)) (\(names[0])) to \(HTML.percent(best.to)) of "
            + "\(HTML.count(best.question.answered ?? 0)) (\(names[1])), \(points) points."
    }

    /// The findings as an HTML section, or nothing when there is nothing to say.
    static func section(_ sentences: [String]) -> String {
        guard !sentences.isEmpty else { return "" }
        return #"<section class="block findings"><h2 class="keep">Key findings</h2><ul>"#
            + sentences.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul></section>"
    }
}
