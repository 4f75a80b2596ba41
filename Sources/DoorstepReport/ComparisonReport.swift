public import DoorstepCore

/// Two campaigns of the same form side by side (say before and after a month of action), with the
/// change in each figure: one self-contained HTML file like ``CampaignReport``.
///
/// The earlier campaign (by date; the first given when a date is missing or equal) comes first and
/// each change is later minus earlier: counts as a difference, shares in percentage points. A
/// change is hidden when either figure is.
public struct ComparisonReport: Sendable {
    /// The earlier campaign's figures.
    public var earlier: CampaignAggregates
    /// The later campaign's figures.
    public var later: CampaignAggregates
    /// When the figures were taken, for the footer.
    public var generatedAt: String?

    /// A comparison of two campaigns, put in date order.
    public init(_ first: CampaignAggregates, _ second: CampaignAggregates, generatedAt: String? = nil) {
        if let firstDate = first.date, let secondDate = second.date, secondDate < firstDate {
            earlier = second
            later = first
        } else {
            earlier = first
            later = second
        }
        self.generatedAt = generatedAt
    }

    /// The whole HTML document.
    public func html() -> String {
        var page = ReportPage()
        let names = seriesNames
        page.add("<header>")
        page.add("<h1>\(HTML.escape(title))</h1>")
        page.add("<p class=\"meta\">\(HTML.escape(ReportText.campaignLine(earlier)))</p>")
        page.add("<p class=\"meta\">\(HTML.escape(ReportText.campaignLine(later)))</p>")
        page.add("</header>")
        if earlier.form != later.form {
            page.add("<p class=\"notice\" role=\"note\">These campaigns use different forms (\(HTML.escape(earlier.form)) and \(HTML.escape(later.form))): only questions with the same name are compared.</p>")
        }
        if earlier.suppression.applied || later.suppression.applied {
            page.add(ReportText.suppressionNotice(threshold: max(earlier.suppression.threshold, later.suppression.threshold)))
        }

        var findings = KeyFindings.sentences(later)
        if let change = KeyFindings.largestChange(earlier: earlier, later: later, names: names) {
            findings.insert(change, at: min(1, findings.count))
        }
        page.add(KeyFindings.section(findings))
        page.add("<h2 class=\"keep\">The two days in figures</h2>")
        page.add(headlineTable())
        page.add("<section class=\"block\"><h3>How far the doors got</h3>")
        let declined = ReportText.showsDeclined(earlier) || ReportText.showsDeclined(later)
        let earlierFunnel = ReportText.funnelChart(earlier.funnel, title: "", declined: declined)
        let laterFunnel = ReportText.funnelChart(later.funnel, title: "", declined: declined)
        page.add(page.barChart(BarChart(
            title: "Doors by how far the visit got, \(names[0]) and \(names[1])", series: names,
            rows: zip(earlierFunnel.rows, laterFunnel.rows).map { BarChart.Row(label: $0.label, figures: $0.figures + $1.figures) },
            bases: [earlier.funnel.addresses, later.funnel.addresses]
        )))
        page.add("</section>")

        page.add("<h2>What residents said</h2>")
        for question in questions {
            page.add(questionSection(question, page: &page))
        }

        for (title, noun, first, second) in [("By street", "Street", earlier.streets, later.streets), ("By area", "Area", earlier.areas, later.areas)]
        where !first.isEmpty || !second.isEmpty {
            page.add("<h2>\(title)</h2>")
            page.add(breakdownTable(first, second, noun: noun))
        }
        let threshold = earlier.suppression.applied || later.suppression.applied
            ? max(earlier.suppression.threshold, later.suppression.threshold) : nil
        page.add(ReportText.footer(generatedAt: generatedAt, threshold: threshold))
        return page.document(title: "\(title) — report")
    }

    /// "Later compared with earlier", or when both have the same name "Name: date compared with date".
    var title: String {
        guard earlier.name == later.name else { return "\(later.name) compared with \(earlier.name)" }
        let names = seriesNames
        return "\(later.name): \(names[1]) compared with \(names[0])"
    }

    /// What the two series are called: their dates when both have different ones, else their names.
    var seriesNames: [String] {
        if let first = earlier.date, let second = later.date, first != second {
            return [ReportText.date(first), ReportText.date(second)]
        }
        if earlier.name != later.name { return [earlier.name, later.name] }
        return ["First", "Second"]
    }

    /// The later campaign's questions in order, then any only the earlier one has, each with its
    /// figures on both days (an empty one where a campaign lacks it).
    var questions: [(name: String, label: String, earlier: QuestionAggregate?, later: QuestionAggregate?)] {
        var result: [(String, String, QuestionAggregate?, QuestionAggregate?)] = []
        for question in later.questions {
            result.append((question.name, question.label, earlier.questions.first { $0.name == question.name }, question))
        }
        for question in earlier.questions where !later.questions.contains(where: { $0.name == question.name }) {
            result.append((question.name, question.label, question, nil))
        }
        return result
    }

    // MARK: Tables

    static func change(_ first: Int?, _ second: Int?) -> String {
        guard let first, let second else { return #"<span class="hidden-value">hidden</span>"# }
        return HTML.signedCount(second - first)
    }

    static func pointsChange(_ first: Double?, _ second: Double?) -> String {
        guard let first, let second else { return #"<span class="hidden-value">hidden</span>"# }
        return HTML.signedPoints(second - first)
    }

    private func tableHead(_ first: String, caption: String, changeLabel: String = "Change") -> String {
        let names = seriesNames
        return "<table><caption>\(HTML.escape(caption))</caption><thead><tr><th scope=\"col\">\(HTML.escape(first))</th>"
            + "<th scope=\"col\">\(HTML.escape(names[0]))</th><th scope=\"col\">\(HTML.escape(names[1]))</th>"
            + "<th scope=\"col\">\(HTML.escape(changeLabel))</th></tr></thead><tbody>"
    }

    private func headlineTable() -> String {
        var html = tableHead("Figure", caption: "Headline figures, and the change from the first day to the second")
        var rows: [(String, Int?, Int?)] = [
            ("Doors on the walk list", earlier.funnel.addresses, later.funnel.addresses),
            ("Doors knocked", earlier.funnel.knocked, later.funnel.knocked),
            ("Doors answered", earlier.funnel.answered, later.funnel.answered),
            ("Surveyed", earlier.funnel.surveyed, later.funnel.surveyed),
        ]
        if ReportText.showsDeclined(earlier) || ReportText.showsDeclined(later) {
            rows.append(("Declined (no consent)", earlier.funnel.declined, later.funnel.declined))
        }
        rows += [
            ("Refused", earlier.funnel.refused, later.funnel.refused),
            ("Revisits requested", earlier.funnel.revisits, later.funnel.revisits),
            ("No answer", earlier.funnel.noAnswer, later.funnel.noAnswer),
            ("Responses recorded", earlier.responses, later.responses),
        ]
        if !earlier.headline.safeguardingQuestions.isEmpty || !later.headline.safeguardingQuestions.isEmpty {
            rows.append(("Safeguarding concerns flagged", earlier.headline.safeguardingConcerns, later.headline.safeguardingConcerns))
        }
        if !earlier.headline.followUpQuestions.isEmpty || !later.headline.followUpQuestions.isEmpty {
            rows.append(("Follow-ups requested", earlier.headline.followUps, later.headline.followUps))
        }
        var agencies: [(String, Int?, Int?)] = []
        var agencyNames: [String] = later.headline.followUpsByAgency.map(\.name)
        for agency in earlier.headline.followUpsByAgency where !agencyNames.contains(agency.name) { agencyNames.append(agency.name) }
        for name in agencyNames {
            let first = earlier.headline.followUpsByAgency.first { $0.name == name }
            let second = later.headline.followUpsByAgency.first { $0.name == name }
            agencies.append(("Follow-up: \(second?.label ?? first?.label ?? name)", first.map { $0.count } ?? 0, second.map { $0.count } ?? 0))
        }
        for (label, first, second) in rows + agencies {
            html += "<tr><th scope=\"row\">\(HTML.escape(label))</th><td>\(ReportText.cell(first))</td>"
            html += "<td>\(ReportText.cell(second))</td><td>\(Self.change(first, second))</td></tr>"
        }
        return html + "</tbody></table>"
    }

    private func questionSection(
        _ question: (name: String, label: String, earlier: QuestionAggregate?, later: QuestionAggregate?),
        page: inout ReportPage
    ) -> String {
        let names = seriesNames
        let smallBase = max(earlier.suppression.threshold, later.suppression.threshold)
        let first = question.earlier
        let second = question.later
        var html = "<section class=\"question block\" id=\"q-\(HTML.escape(question.name))\">"
        html += "<h3>\(HTML.escape(question.label))</h3>"
        let answered = [(names[0], first), (names[1], second)].map { name, figures -> String in
            guard let figures else { return "\(name): not asked" }
            return "\(name): " + (figures.answered.map { "\(HTML.count($0)) answered" } ?? "number answered hidden")
        }
        html += "<p class=\"meta\">\(HTML.escape(answered.joined(separator: " · ")))</p>"
        let sample = second ?? first
        let kind = sample?.kind ?? ""
        if kind == "select_one" || kind == "select_multiple" {
            var choices: [(name: String, label: String)] = (second?.choices ?? []).map { ($0.name, $0.label) }
            for choice in first?.choices ?? [] where !choices.contains(where: { $0.name == choice.name }) {
                choices.append((choice.name, choice.label))
            }
            let rows = choices.map { choice in
                BarChart.Row(label: choice.label, figures: [first, second].map { figures in
                    guard let figures else { return Figure(count: 0) }
                    if figures.answered == 0 { return Figure(count: 0) }
                    return Figure(figures.choices.first { $0.name == choice.name })
                })
            }
            html += page.barChart(BarChart(
                title: "\(question.label): \(names[0]) and \(names[1])", series: names, rows: rows,
                bases: [first?.answered ?? 0, second?.answered ?? 0], smallBase: smallBase
            ))
            html += tableHead("Answer", caption: "\(question.label) — percentage of those who answered", changeLabel: "Change (points)")
            for row in rows {
                html += "<tr><th scope=\"row\">\(HTML.escape(row.label))</th><td>\(row.figures[0].cell)</td><td>\(row.figures[1].cell)</td>"
                html += "<td>\(Self.pointsChange(row.figures[0].percent, row.figures[1].percent))</td></tr>"
            }
            html += "</tbody></table>"
        } else if kind == "date" || sample?.summary != nil {
            let numeric = kind != "date"
            var columns = Binning.columns(
                [first?.distribution ?? [], second?.distribution ?? []],
                bases: [first?.answered ?? 0, second?.answered ?? 0], numeric: numeric
            )
            if !numeric { columns = columns.map { ColumnChart.Column(label: ReportText.month($0.label), figures: $0.figures) } }
            if !columns.isEmpty {
                html += page.columnChart(ColumnChart(
                    title: "\(question.label): \(names[0]) and \(names[1])", series: names, columns: columns,
                    kind: numeric ? "Distribution of the numbers given" : "Answers by month"
                ))
            }
            if numeric {
                html += tableHead("Figure", caption: "\(question.label) — summary")
                let figures: [(String, (NumericSummary) -> Double?)] = [
                    ("Average", { $0.mean }), ("Median", { $0.median }), ("Smallest", { $0.min }), ("Largest", { $0.max }),
                ]
                html += "<tr><th scope=\"row\">Answers</th><td>\(ReportText.cell(first?.answered ?? 0))</td>"
                html += "<td>\(ReportText.cell(second?.answered ?? 0))</td><td>\(Self.change(first?.answered ?? 0, second?.answered ?? 0))</td></tr>"
                for (label, figure) in figures {
                    let cells = [first, second].map { SummaryCell($0, figure) }
                    var change = SummaryCell.absent.html
                    if case .value(let a) = cells[0], case .value(let b) = cells[1] {
                        change = HTML.signedDecimal(b - a)
                    } else if case .hidden = cells[0] {
                        change = SummaryCell.hidden.html
                    } else if case .hidden = cells[1] {
                        change = SummaryCell.hidden.html
                    }
                    html += "<tr><th scope=\"row\">\(label)</th><td>\(cells[0].html)</td><td>\(cells[1].html)</td><td>\(change)</td></tr>"
                }
                html += "</tbody></table>"
            }
        }
        return html + "</section>"
    }

    private func breakdownTable(_ first: [CampaignAggregates.Breakdown], _ second: [CampaignAggregates.Breakdown], noun: String) -> String {
        var names = first.map(\.name)
        for breakdown in second where !names.contains(breakdown.name) { names.append(breakdown.name) }
        names.sort()
        let series = seriesNames
        var html = "<table><caption>Doors surveyed and responses by \(noun.lowercased())</caption><thead><tr>"
        html += "<th scope=\"col\">\(noun)</th>"
        for label in ["Surveyed", "Responses"] {
            html += "<th scope=\"col\">\(label), \(HTML.escape(series[0]))</th><th scope=\"col\">\(label), \(HTML.escape(series[1]))</th><th scope=\"col\">Change</th>"
        }
        html += "</tr></thead><tbody>"
        for name in names {
            let a = first.first { $0.name == name }
            let b = second.first { $0.name == name }
            html += "<tr><th scope=\"row\">\(HTML.escape(name))</th>"
            for figure in [{ (x: CampaignAggregates.Breakdown) in x.funnel.surveyed }, { (x: CampaignAggregates.Breakdown) in x.responses }] {
                let one = a.map(figure) ?? 0
                let two = b.map(figure) ?? 0
                html += "<td>\(ReportText.cell(one))</td><td>\(ReportText.cell(two))</td><td>\(Self.change(one, two))</td>"
            }
            html += "</tr>"
        }
        return html + "</tbody></table>"
    }
}

/// One figure of a numeric summary in a comparison table.
private enum SummaryCell {
    /// The campaign has no answers (or not the question).
    case absent
    case hidden
    case value(Double)

    init(_ figures: QuestionAggregate?, _ figure: (NumericSummary) -> Double?) {
        guard let figures, let summary = figures.summary, figures.answered != 0 else {
            self = .absent
            return
        }
        self = figure(summary).map(SummaryCell.value) ?? .hidden
    }

    var html: String {
        switch self {
        case .absent: "–"
        case .hidden: #"<span class="hidden-value">hidden</span>"#
        case .value(let number): HTML.decimal(number)
        }
    }
}
