public import DoorstepCore

/// The organiser's report of one campaign: one self-contained HTML file (inline CSS and SVG, no
/// scripts, fonts or images from anywhere) to open in a browser, print on A4 or send on.
///
/// It shows the headline figures and the visit funnel, a chart per question (bars with counts and
/// percentages for choices, a distribution and summary for numbers) and the same figures street by
/// street and area by area. Give it suppressed aggregates (``CampaignAggregates/suppressed(after:)``) for
/// a viewer: hidden figures read "hidden" and a note explains why.
public struct CampaignReport: Sendable {
    /// The figures to show.
    public var aggregates: CampaignAggregates
    /// When the figures were taken, as people read it (`14 November 2026 18:05`), for the footer.
    public var generatedAt: String?
    /// Free-text answers to list, when an organiser asked for them; none by default, as a report
    /// is often sent on.
    public var freeText: [FreeTextAnswers]
    /// What the map's streets are shaded by, when the walk list has locations.
    public var mapShading: MapShading

    /// A report of these figures, listing `freeText` when given.
    public init(
        aggregates: CampaignAggregates, generatedAt: String? = nil, freeText: [FreeTextAnswers] = [],
        mapShading: MapShading = .surveyed
    ) {
        self.aggregates = aggregates
        self.generatedAt = generatedAt
        self.freeText = freeText
        self.mapShading = mapShading
    }

    /// The whole HTML document.
    public func html() -> String {
        var page = ReportPage()
        let figures = aggregates
        page.add("<header>")
        page.add("<h1>\(HTML.escape(figures.name))</h1>")
        page.add("<p class=\"meta\">\(HTML.escape(ReportText.campaignLine(figures)))</p>")
        page.add("</header>")
        if figures.suppression.applied { page.add(ReportText.suppressionNotice(threshold: figures.suppression.threshold)) }
        if figures.responses == 0 {
            page.add("<p class=\"notice\" role=\"note\">No responses have been recorded for this campaign yet.</p>")
        }

        page.add(KeyFindings.section(KeyFindings.sentences(figures)))
        page.add("<h2 class=\"keep\">The day in figures</h2>")
        page.add(ReportText.headlineCards(figures))
        page.add("<section class=\"block\"><h3>How far the doors got</h3>")
        page.add("<p class=\"meta\">Percentages are of the doors on the walk list.</p>")
        page.add(page.barChart(ReportText.funnelChart(
            figures.funnel, title: "Doors on the walk list by how far the visit got", declined: ReportText.showsDeclined(figures)
        )))
        page.add("</section>")
        if let map = figures.map, !map.streets.isEmpty || !map.doors.isEmpty {
            page.add(page.mapSection(map, figures: figures, shading: mapShading))
        }
        if !figures.headline.followUpsByAgency.isEmpty {
            page.add("<section class=\"block\"><h3>Follow-ups requested, by agency</h3>")
            page.add("<p class=\"meta\">Percentages are of all responses; one resident may ask several agencies.</p>")
            page.add(page.barChart(BarChart(
                title: "Follow-ups requested, by agency",
                rows: figures.headline.followUpsByAgency.map { BarChart.Row(label: $0.label, figures: [Figure($0)]) },
                bases: [figures.responses], smallBase: figures.suppression.threshold
            )))
            page.add("</section>")
        }

        if let completion = figures.followUpCompletion {
            page.add(FollowUpTable.section(completion, heading: "h3"))
        }

        if let work = figures.work, !work.officers.isEmpty {
            page.add(page.workSection(work))
        }

        page.add("<h2>What residents said</h2>")
        if figures.questions.isEmpty {
            page.add("<p class=\"empty\">This form has no questions whose answers are counted.</p>")
        }
        for question in figures.questions {
            page.add(page.questionSection(question, figures: figures))
        }

        let counted = figures.texts.filter { $0.answered != 0 }
        if !counted.isEmpty || !freeText.isEmpty {
            page.add("<h2>What residents wrote</h2>")
            if !freeText.isEmpty {
                page.add("<p class=\"notice\" role=\"note\">This copy lists what residents typed, as they typed it: check it before sending it on.</p>")
            }
            var names = counted.map(\.name)
            for question in freeText where !names.contains(question.name) { names.append(question.name) }
            for name in names {
                page.add(page.textSection(
                    counts: counted.first { $0.name == name }, typed: freeText.first { $0.name == name },
                    threshold: figures.suppression.threshold
                ))
            }
        }

        for (title, noun, breakdowns) in [("Appendix: by street", "Street", figures.streets), ("Appendix: by area", "Area", figures.areas)]
        where !breakdowns.isEmpty {
            page.add("<h2>\(title)</h2>")
            page.add(ReportText.overviewTable(
                breakdowns, noun: noun, caption: "Doors and responses by \(noun.lowercased())", headline: figures.headline,
                declined: ReportText.showsDeclined(figures)
            ))
            // A street with no response would fill every question's table with zeros: one line
            // names them instead (a hidden count is not zero, and stays).
            let answered = breakdowns.filter { $0.responses != 0 }
            let empty = breakdowns.filter { $0.responses == 0 }.map(\.name)
            if !empty.isEmpty {
                let list = empty.joined(separator: ", ")
                page.add("<p class=\"meta\">No responses yet from \(empty.count) \(noun.lowercased())\(empty.count == 1 ? "" : "s") (\(HTML.escape(list))): left out of the tables below.</p>")
            }
            if !answered.isEmpty {
                for question in figures.questions {
                    page.add(ReportText.breakdownTables(question: question, breakdowns: answered, noun: noun))
                }
            }
        }
        page.add(ReportText.footer(generatedAt: generatedAt, threshold: figures.suppression.applied ? figures.suppression.threshold : nil))
        return page.document(title: "\(figures.name) — report")
    }
}

/// The HTML of a page being written, and the ids its charts take.
struct ReportPage {
    private var body = ""
    private var chartCount = 0

    mutating func add(_ html: String) {
        body += html
        body += "\n"
    }

    mutating func nextID() -> String {
        chartCount += 1
        return "chart-\(chartCount)"
    }

    mutating func barChart(_ chart: BarChart) -> String {
        var html = chart.svg(id: nextID())
        if let note = chart.smallBaseNote { html += "<p class=\"meta small-base\">\(HTML.escape(note))</p>" }
        return html
    }

    mutating func columnChart(_ chart: ColumnChart) -> String {
        chart.svg(id: nextID())
    }

    /// Where the doors are: the map, what its shading means, and what a viewer's copy leaves out.
    mutating func mapSection(_ map: CampaignMap, figures: CampaignAggregates, shading: MapShading) -> String {
        let title = shading.title(in: figures)
        var html = "<section class=\"block\"><h3>Where the doors are</h3>"
        var meta: String
        switch shading {
        case .surveyed:
            meta = "Each street is shaded by the share of its doors on the walk list that were surveyed"
        case .answer(let name, let choice):
            let question = figures.questions.first { $0.name == name }
            let chosen = question?.choices.first { $0.name == choice }?.label ?? choice
            meta = "Each street is shaded by the share of its answers to “\(question?.label ?? name)” that were “\(chosen)”"
        }
        meta += map.doors.isEmpty
            ? "; a street whose figure is hidden is dashed. Doors are not shown in this copy."
            : "; each door is a dot coloured by how far its visit got."
        html += "<p class=\"meta\">\(HTML.escape(meta))</p>"
        let streets = Dictionary(figures.streets.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        html += MapChart(map: map, streets: streets, shading: shading, shadingTitle: title).svg(id: nextID())
        return html + "</section>"
    }

    /// One free-text question: the texts many residents gave, counted, and (for an organiser who
    /// asked) every answer as typed.
    mutating func textSection(counts: TextCounts?, typed: FreeTextAnswers?, threshold: Int) -> String {
        let label = counts?.label ?? typed?.label ?? ""
        var html = "<section class=\"question block\"><h3>\(HTML.escape(label))</h3>"
        if let counts {
            let answered = counts.answered.map { "\(HTML.count($0)) answered" } ?? "Number answered hidden"
            html += "<p class=\"meta\">\(answered); answers are counted by their text, case, spaces and punctuation at the ends aside, and a text is named only when at least \(HTML.count(threshold)) residents gave it.</p>"
            if !counts.values.isEmpty {
                html += barChart(BarChart(
                    title: label, rows: counts.values.map { BarChart.Row(label: $0.label, figures: [Figure($0)]) },
                    bases: [counts.answered]
                ))
            }
            switch counts.other {
            case 0?: break
            case let other?:
                html += "<p class=\"meta\">\(HTML.count(other)) other answer\(other == 1 ? "" : "s"), each given by fewer than \(HTML.count(threshold)) residents.</p>"
            case nil:
                html += "<p class=\"meta\">Other answers, each given by fewer than \(HTML.count(threshold)) residents: <span class=\"hidden-value\">hidden</span>.</p>"
            }
        }
        if let typed {
            let shown = typed.answers.count < typed.total ? "; the newest \(HTML.count(typed.answers.count)) shown" : ""
            html += "<p class=\"meta\">As typed: \(HTML.count(typed.total)) answer\(typed.total == 1 ? "" : "s")\(shown)</p>"
            html += "<ul class=\"free-text\">" + typed.answers.map { "<li>\(HTML.escape($0))</li>" }.joined() + "</ul>"
        }
        return html + "</section>"
    }

    /// Who did the work: knocks and surveys per officer, and knocks per hour (organisers' copy only).
    mutating func workSection(_ work: WorkSummary) -> String {
        var html = "<section class=\"block\"><h3>Who did the work</h3>"
        html += "<table><caption>Knocks and surveys by officer</caption><thead><tr><th scope=\"col\">Officer</th>"
        html += "<th scope=\"col\">Knocks</th><th scope=\"col\">Surveyed</th></tr></thead><tbody>"
        for officer in work.officers {
            html += "<tr><th scope=\"row\">\(HTML.escape(officer.name))</th><td>\(HTML.count(officer.knocks))</td>"
            html += "<td>\(HTML.count(officer.surveyed))</td></tr>"
        }
        html += "</tbody></table>"
        if !work.hours.isEmpty {
            html += "<p class=\"meta\">Knocks by hour of the day (\(HTML.escape(work.timeZone)) time).</p>"
            html += barChart(BarChart(
                title: "Knocks by hour of the day",
                rows: work.hours.map { BarChart.Row(label: $0.hour, figures: [Figure(count: $0.knocks)]) }
            ))
        }
        return html + "</section>"
    }

    /// One question's heading, answered count, chart and summary; a question whose choices changed
    /// between form versions beyond what the form maps shows one chart per version.
    mutating func questionSection(_ question: QuestionAggregate, figures: CampaignAggregates) -> String {
        var html = "<section class=\"question block\" id=\"q-\(HTML.escape(question.name))\">"
        html += "<h3>\(HTML.escape(question.label))</h3>"
        html += "<p class=\"meta\">\(HTML.escape(ReportText.answeredLine(question, responses: figures.responses, versions: figures.versions)))</p>"
        if let note = ReportText.replacedChoicesNote(question, versions: figures.versions) {
            html += "<p class=\"meta\">\(HTML.escape(note))</p>"
        }
        let byVersion = figures.versions.compactMap { version in
            version.questions.first { $0.name == question.name }.map { (version, $0) }
        }
        guard question.perVersion, !byVersion.isEmpty else {
            return html + questionFigures(question, smallBase: figures.suppression.threshold) + "</section>"
        }
        html += "<p class=\"meta\">The choices changed between form versions, so each version's answers are shown against its own list.</p>"
        for (version, asked) in byVersion {
            let responses = version.responses.map { "\(HTML.count($0)) response\($0 == 1 ? "" : "s")" } ?? "responses hidden"
            html += "<h4>Version \(HTML.escape(version.name)) (\(responses))</h4>"
            html += "<p class=\"meta\">\(HTML.escape(ReportText.answeredLine(asked, responses: version.responses)))</p>"
            html += questionFigures(asked, smallBase: figures.suppression.threshold)
        }
        return html + "</section>"
    }

    /// A question's chart (or why there is none) and summary.
    mutating func questionFigures(_ question: QuestionAggregate, smallBase: Int?) -> String {
        var html = ""
        if question.answered == nil {
            html += "<p class=\"empty\">Too few answers to show.</p>"
        } else if question.answered == 0 {
            html += "<p class=\"empty\">No answers yet.</p>"
        } else if !question.choices.isEmpty {
            html += barChart(BarChart(
                title: question.label, rows: question.choices.map { BarChart.Row(label: $0.label, figures: [Figure($0)]) },
                bases: [question.answered], smallBase: smallBase
            ))
        } else if !question.distribution.isEmpty {
            let numeric = question.kind != "date"
            var columns = Binning.columns([question.distribution], bases: [question.answered], numeric: numeric)
            if !numeric { columns = columns.map { ColumnChart.Column(label: ReportText.month($0.label), figures: $0.figures) } }
            html += columnChart(ColumnChart(
                title: question.label, columns: columns,
                kind: numeric ? "Distribution of the numbers given" : "Answers by month"
            ))
        }
        if let summary = question.summary, question.answered != 0 {
            html += ReportText.summaryList(summary)
        }
        return html
    }

    /// The complete document around the body.
    func document(title: String, head: String = "") -> String {
        """
        <!DOCTYPE html>
        <html lang="en-GB">
        <head>
        <meta charset="utf-8"/>\(head)
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="generator" content="Doorstep"/>
        <title>\(HTML.escape(title))</title>
        <style>
        \(ReportStyle.css)
        </style>
        </head>
        <body>
        <main>
        \(body)</main>
        </body>
        </html>

        """
    }
}
