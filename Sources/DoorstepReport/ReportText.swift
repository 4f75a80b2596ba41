import DoorstepCore

/// The report's words, cards and tables.
enum ReportText {
    static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]

    /// `2026-11-14` as `14 November 2026`; other text as it is.
    static func date(_ text: String) -> String {
        let parts = text.split(separator: "-")
        guard parts.count == 3, let month = Int(parts[1]), (1...12).contains(month), let day = Int(parts[2]) else {
            return text
        }
        return "\(day) \(months[month - 1]) \(parts[0])"
    }

    /// `2026-11` as `Nov 2026`.
    static func month(_ text: String) -> String {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let month = Int(parts[1]), (1...12).contains(month) else { return text }
        return "\(months[month - 1].prefix(3)) \(parts[0])"
    }

    /// The line under the title: day, form and number of responses.
    static func campaignLine(_ figures: CampaignAggregates) -> String {
        var parts: [String] = []
        if let day = figures.date { parts.append(date(day)) }
        if figures.versions.isEmpty {
            parts.append("\(figures.formTitle) (form \(figures.form), \(versions(figures.formVersions)))")
        } else {
            // Name each version with its responses, so a board knows which the figures rest on.
            let named = figures.versions.map { version in
                "\(version.name) (\(version.responses.map { "\(HTML.count($0)) response\($0 == 1 ? "" : "s")" } ?? "responses hidden"))"
            }
            parts.append("\(figures.formTitle) (form \(figures.form), \(versions(named)))")
        }
        parts.append(figures.responses.map { "\(HTML.count($0)) response\($0 == 1 ? "" : "s")" } ?? "responses hidden")
        return parts.joined(separator: " · ")
    }

    /// "version 2", "versions 1 and 2", "versions 1, 2 and 3".
    static func versions(_ versions: [String]) -> String {
        guard versions.count > 1, let last = versions.last else { return "version \(versions.first ?? "?")" }
        return "versions \(versions.dropLast().joined(separator: ", ")) and \(last)"
    }

    /// The viewer's explanation of hidden figures.
    static func suppressionNotice(threshold: Int) -> String {
        """
        <aside class="notice" role="note"><strong>Small numbers are hidden in this copy.</strong> \
        To protect residents' privacy, any count from 1 to \(max(threshold - 1, 1)) reads <em>hidden</em>, and so does \
        any other figure that would let one be worked out: another count of the same total, a \
        percentage, an average, a smallest or largest value, a street or area too small to show, \
        or a count that changed by less than \(max(threshold, 1)) since the figures published before. \
        Organisers see every figure.</aside>
        """
    }

    /// `x` as a share of `base`, or `nil` when either is hidden or the base is 0.
    static func share(_ part: Int?, of base: Int?) -> Double? {
        guard let part, let base, base > 0 else { return nil }
        return (Double(part) * 1000 / Double(base)).rounded() / 10
    }

    /// Whether the declined figures are shown: the form names a consent question, or a knock
    /// recorded a resident declining.
    static func showsDeclined(_ figures: CampaignAggregates) -> Bool {
        !figures.headline.consentQuestions.isEmpty || figures.funnel.declined != 0
    }

    /// The headline cards.
    static func headlineCards(_ figures: CampaignAggregates) -> String {
        let funnel = figures.funnel
        func card(_ label: String, _ value: Int?, sub: String? = nil, alert: Bool = false) -> String {
            let number = value.map(HTML.count) ?? #"<span class="hidden-value">hidden</span>"#
            let subText = sub.map { #"<span class="sub">\#(HTML.escape($0))</span>"# } ?? ""
            return #"<div class="figure\#(alert ? " alert" : "")"><dt>\#(HTML.escape(label))</dt><dd>\#(number)\#(subText)</dd></div>"#
        }
        func of(_ part: Int?, _ base: Int?, _ what: String) -> String? {
            share(part, of: base).map { "\(HTML.percent($0)) of \(what)" }
        }
        var cards = [
            card("Doors on the walk list", funnel.addresses),
            card("Doors knocked", funnel.knocked, sub: of(funnel.knocked, funnel.addresses, "the list")),
            card("Doors answered", funnel.answered, sub: of(funnel.answered, funnel.knocked, "knocked")),
            card("Surveyed", funnel.surveyed, sub: of(funnel.surveyed, funnel.answered, "answered")),
        ]
        if showsDeclined(figures) {
            cards.append(card("Declined (no consent)", funnel.declined, sub: of(funnel.declined, funnel.answered, "answered")))
        }
        cards += [
            card("Refused", funnel.refused, sub: of(funnel.refused, funnel.answered, "answered")),
            card("Revisits requested", funnel.revisits),
            card("No answer", funnel.noAnswer),
            card("Responses recorded", figures.responses),
        ]
        var asked: [String] = []
        if !figures.headline.safeguardingQuestions.isEmpty {
            asked.append(card("Safeguarding concerns flagged", figures.headline.safeguardingConcerns,
                              alert: (figures.headline.safeguardingConcerns ?? 0) > 0))
        }
        if !figures.headline.followUpQuestions.isEmpty {
            asked.append(card("Follow-ups requested", figures.headline.followUps,
                              sub: of(figures.headline.followUps, figures.responses, "responses")))
        }
        return #"<dl class="figures">"# + (cards + asked).joined() + "</dl>"
    }

    /// The funnel as bars, each a share of the doors on the list; `declined` adds the doors whose
    /// resident did not consent.
    static func funnelChart(_ funnel: VisitFunnel, title: String, declined: Bool = false) -> BarChart {
        var rows: [(String, Int?)] = [
            ("Doors on the walk list", funnel.addresses), ("Knocked", funnel.knocked), ("Answered", funnel.answered),
            ("Surveyed", funnel.surveyed),
        ]
        if declined { rows.append(("Declined (no consent)", funnel.declined)) }
        rows += [("Refused", funnel.refused), ("Revisit requested", funnel.revisits), ("No answer", funnel.noAnswer)]
        return BarChart(title: title, rows: rows.map { label, count in
            BarChart.Row(label: label, figures: [Figure(count: count, percent: share(count, of: funnel.addresses))])
        }, bases: [funnel.addresses])
    }

    /// The responses recorded on the form versions `names`: `nil` when one of them is hidden or
    /// the figures have no versions.
    static func responses(onVersions names: [String], of versions: [CampaignAggregates.Breakdown]) -> Int? {
        var total = 0
        for name in names {
            guard let count = versions.first(where: { $0.name == name })?.responses else { return nil }
            total += count
        }
        return total
    }

    /// "9 of 10 responses answered; more than one answer allowed".
    /// - Parameter versions: The figures by form version, for a question only some versions ask.
    static func answeredLine(_ question: QuestionAggregate, responses: Int?, versions: [CampaignAggregates.Breakdown] = []) -> String {
        var text: String
        switch (question.answered, responses, question.askedIn) {
        case (nil, _, _): text = "Number answered hidden"
        case (let answered?, _, let asking?):
            // Asked by some versions only: the campaign's responses are not its base, theirs are.
            let base = self.responses(onVersions: asking, of: versions)
            let of = base.map { " of \(HTML.count($0)) response\($0 == 1 ? "" : "s") recorded on \(asking.count == 1 ? "it" : "them")" } ?? ""
            text = "Asked in \(self.versions(asking)) only: \(HTML.count(answered))\(of) answered"
        case (let answered?, let total?, nil): text = "\(HTML.count(answered)) of \(HTML.count(total)) response\(total == 1 ? "" : "s") answered"
        case (let answered?, nil, nil): text = "\(HTML.count(answered)) answered"
        }
        if question.kind == "select_multiple" { text += "; more than one answer allowed, so percentages add up to more than 100" }
        if question.kind == "select_one" { text += "; percentages are of those who answered" }
        return text
    }

    /// Which older versions' choices a question counts as which of its own, as the form says:
    /// "Choices of earlier versions are counted as the form maps them: “Over 10 years” (version 1)
    /// as “More than 10 years”."
    static func replacedChoicesNote(_ question: QuestionAggregate, versions: [CampaignAggregates.Breakdown]) -> String? {
        guard !question.replacedChoices.isEmpty else { return nil }
        func label(_ name: String, in choices: [BucketCount]) -> String { choices.first { $0.name == name }?.label ?? name }
        let parts = question.replacedChoices.sorted { $0.key < $1.key }.map { old, new in
            let holders = versions.filter { version in
                version.questions.contains { $0.name == question.name && $0.choices.contains { $0.name == old } }
            }
            let oldLabel = holders.first.flatMap { $0.questions.first { $0.name == question.name } }.map { label(old, in: $0.choices) } ?? old
            let which = holders.isEmpty ? "an earlier version" : Self.versions(holders.map(\.name))
            return "“\(oldLabel)” (\(which)) as “\(label(new, in: question.choices))”"
        }
        return "Choices of earlier versions are counted as the form maps them: \(parts.joined(separator: "; "))."
    }

    /// A numeric summary as a definition list.
    static func summaryList(_ summary: NumericSummary) -> String {
        let items: [(String, String)] = [
            ("Answers", summary.n.map(HTML.count) ?? "hidden"),
            ("Average", summary.mean.map { HTML.decimal($0) } ?? "hidden"),
            ("Median", summary.median.map { HTML.decimal($0) } ?? "hidden"),
            ("Smallest", summary.min.map { HTML.decimal($0) } ?? "hidden"),
            ("Largest", summary.max.map { HTML.decimal($0) } ?? "hidden"),
        ]
        return #"<dl class="summary">"# + items.map { label, value in
            let shown = value == "hidden" ? #"<span class="hidden-value">hidden</span>"# : value
            return "<div><dt>\(label)</dt><dd>\(shown)</dd></div>"
        }.joined() + "</dl>"
    }

    /// A count for a table cell.
    static func cell(_ count: Int?) -> String {
        Figure(count: count).cell
    }

    /// The doors and responses of every street (or area).
    /// - Parameter headline: Says whether the form asks safeguarding and follow-up questions, so
    ///   their columns are shown only then.
    ///   - declined: Whether a column says how many declined.
    static func overviewTable(
        _ breakdowns: [CampaignAggregates.Breakdown], noun: String, caption: String, headline: CampaignAggregates.Headline,
        declined: Bool = false
    ) -> String {
        let safeguarding = !headline.safeguardingQuestions.isEmpty
        let followUps = !headline.followUpQuestions.isEmpty
        var columns = ["Doors", "Knocked", "Answered", "Surveyed", "Refused", "Responses"]
        if declined { columns.insert("Declined", at: 4) }
        if safeguarding { columns.append("Safeguarding concerns") }
        if followUps { columns.append("Follow-ups") }
        var html = "<table><caption>\(HTML.escape(caption))</caption><thead><tr><th scope=\"col\">\(noun)</th>"
        html += columns.map { "<th scope=\"col\">\($0)</th>" }.joined() + "</tr></thead><tbody>"
        for breakdown in breakdowns {
            var values = [
                breakdown.funnel.addresses, breakdown.funnel.knocked, breakdown.funnel.answered, breakdown.funnel.surveyed,
                breakdown.funnel.refused, breakdown.responses,
            ]
            if declined { values.insert(breakdown.funnel.declined, at: 4) }
            if safeguarding { values.append(breakdown.safeguardingConcerns) }
            if followUps { values.append(breakdown.followUps) }
            html += "<tr><th scope=\"row\">\(HTML.escape(breakdown.name))</th>"
            html += values.map { "<td>\(cell($0))</td>" }.joined() + "</tr>"
        }
        return html + "</tbody></table>"
    }

    /// How many streets (or areas) one table holds, so it fits the width of an A4 page.
    static let columnsPerTable = 5

    /// One question's figures by street (or area): a row per choice (or value, or summary figure),
    /// a column for the whole campaign and one per street, several tables when there are many.
    static func breakdownTables(question: QuestionAggregate, breakdowns: [CampaignAggregates.Breakdown], noun: String) -> String {
        var html = ""
        let chunks = stride(from: 0, to: breakdowns.count, by: columnsPerTable).map {
            Array(breakdowns[$0..<min($0 + columnsPerTable, breakdowns.count)])
        }
        for (index, chunk) in chunks.enumerated() {
            let parts = chunk.map { breakdown in breakdown.questions.first { $0.name == question.name } }
            var caption = "\(question.label) — by \(noun.lowercased())"
            if chunks.count > 1 {
                caption += " (\(index * columnsPerTable + 1)–\(index * columnsPerTable + chunk.count) of \(breakdowns.count))"
            }
            html += "<table><caption>\(HTML.escape(caption))</caption><thead><tr><th scope=\"col\">Answer</th>"
            html += "<th scope=\"col\">All</th>"
            html += chunk.map { "<th scope=\"col\">\(HTML.escape($0.name))</th>" }.joined() + "</tr></thead><tbody>"
            func row(_ label: String, _ cells: [String]) {
                html += "<tr><th scope=\"row\">\(HTML.escape(label))</th>" + cells.map { "<td>\($0)</td>" }.joined() + "</tr>"
            }
            let all = [question] + parts.map { $0 ?? QuestionAggregate(
                name: question.name, label: question.label, kind: question.kind, group: nil, answered: 0,
                choices: [], distribution: [], summary: nil
            ) }
            row("Answered", all.map { cell($0.answered) })
            if !question.choices.isEmpty {
                for choice in question.choices {
                    row(choice.label, all.map { part in
                        Figure(part.choices.first { $0.name == choice.name }).cell
                    })
                }
            } else if question.kind == "date" {
                for month in question.distribution {
                    row(Self.month(month.name), all.map { part in
                        Figure(part.distribution.first { $0.name == month.name }).cell
                    })
                }
            } else if question.summary != nil {
                let figures: [(String, (NumericSummary) -> Double?)] = [
                    ("Average", { $0.mean }), ("Median", { $0.median }), ("Smallest", { $0.min }), ("Largest", { $0.max }),
                ]
                for (label, figure) in figures {
                    row(label, all.map { part in
                        guard let summary = part.summary, part.answered != 0 else { return "–" }
                        return figure(summary).map { HTML.decimal($0) } ?? #"<span class="hidden-value">hidden</span>"#
                    })
                }
            }
            html += "</tbody></table>"
        }
        return html
    }

    /// How the figures are made, and when.
    static func footer(generatedAt: String?, threshold: Int?) -> String {
        var html = "<footer><h2 class=\"keep\">How these figures are made</h2><dl>"
        let notes: [(String, String)] = [
            ("Doors", "Each address on the walk list has one status from every team's visits, as officers see it: surveyed once any visit surveyed it or a response was recorded there; otherwise the latest knock decides: declined (the resident did not consent to the questionnaire), refused, revisit requested, or no answer (a card may have been left). Answered is surveyed, declined, refused and revisits together. A response without the resident's consent is counted as declined only, never as a response, and none of its answers is counted."),
            ("Answers", "Only choices, numbers and dates are counted. Free text and anything marked as personal data never appear in this report. Percentages are of the residents who answered the question."),
            ("Safeguarding and follow-ups", "A safeguarding concern is a response whose safeguarding question was answered yes. A follow-up is a yes to a question named follow_up, or an agency chosen in one; agencies are the choices of those questions."),
            ("Numbers", "The average, median, smallest and largest value are worked out from the count of each value given. Many different values are grouped into equal ranges in the chart."),
        ]
        for (term, text) in notes {
            html += "<dt>\(HTML.escape(term))</dt><dd>\(HTML.escape(text))</dd>"
        }
        if let threshold {
            html += "<dt>Hidden figures</dt><dd>Counts from 1 to \(max(threshold - 1, 1)), counts that changed by less than \(max(threshold, 1)) since the figures published before, and the figures that would reveal them read hidden.</dd>"
        }
        html += "</dl>"
        if let generatedAt { html += "<p>Figures taken \(HTML.escape(generatedAt)).</p>" }
        return html + "</footer>"
    }
}
