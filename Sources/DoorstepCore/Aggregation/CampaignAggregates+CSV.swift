extension CampaignAggregates {
    /// The header of ``csv()``.
    public static let csvColumns = [
        "section", "dimension", "question", "question_label", "item", "item_label", "count", "percent", "note",
    ]

    /// The figures as one long CSV table (RFC 4180), one figure per row.
    ///
    /// `section` says what a row holds: `responses` (items `responses`, `declined`,
    /// `safeguarding_concerns`, `follow_ups`), `follow_up` (one agency), `follow_up_outcome` (organisers'
    /// copy only: an agency's id in `question`, `routed` and each latest outcome of
    /// ``FollowUpCompletion/outcomeOrder`` as items), `funnel` (`addresses`,
    /// `knocked`, `answered`, `surveyed`, `declined`, `refused`, `revisits`, `no_answer`, `visits`), `answered` (a question's answered
    /// count), `choice`, `value` (a number or month and its count), `summary` (`n`, `mean`, `median`,
    /// `min`, `max` in `count`). `dimension` is `all`, `street:<name>`, `area:<name>` or `version:<version>` (no funnel). A suppressed
    /// figure has empty `count` and `percent` and the note `suppressed`.
    public func csv() -> String {
        typealias Asked = (name: String, label: String)
        var text = CSV.row(Self.csvColumns)
        func row(
            _ section: String, _ dimension: String, question: Asked? = nil, item: String,
            itemLabel: String = "", count: String?, percent: Double? = nil, suppressed: Bool? = nil
        ) {
            text += CSV.row([
                section, dimension, question?.name ?? "", question?.label ?? "", item, itemLabel,
                count ?? "", percent.map(Self.number) ?? "", suppressed ?? (count == nil) ? "suppressed" : "",
            ].map(CSV.inert))
        }
        func scope(
            _ dimension: String, responses: Int?, declined: Int?, safeguarding: Int?, followUps: Int?,
            funnel: VisitFunnel?, questions: [QuestionAggregate]
        ) {
            row("responses", dimension, item: "responses", count: responses.map(String.init))
            row("responses", dimension, item: "declined", count: declined.map(String.init))
            row("responses", dimension, item: "safeguarding_concerns", count: safeguarding.map(String.init))
            row("responses", dimension, item: "follow_ups", count: followUps.map(String.init))
            if dimension == TallyKey.allDimension {
                for agency in headline.followUpsByAgency {
                    row("follow_up", dimension, item: agency.name, itemLabel: agency.label,
                        count: agency.count.map(String.init), percent: agency.percent)
                }
                for completion in followUpCompletion ?? [] {
                    let agency = (completion.agency, "")
                    row("follow_up_outcome", dimension, question: agency, item: "routed", count: String(completion.routed))
                    for outcome in FollowUpCompletion.outcomeOrder {
                        row("follow_up_outcome", dimension, question: agency, item: outcome, count: String(completion.outcomes[outcome] ?? 0))
                    }
                }
            }
            if let funnel {
                let figures: [(String, Int?)] = [
                    ("addresses", funnel.addresses), ("knocked", funnel.knocked), ("answered", funnel.answered),
                    ("surveyed", funnel.surveyed), ("declined", funnel.declined), ("refused", funnel.refused),
                    ("revisits", funnel.revisits), ("no_answer", funnel.noAnswer), ("visits", funnel.visits),
                ]
                for (item, count) in figures { row("funnel", dimension, item: item, count: count.map(String.init)) }
            }
            for aggregate in questions {
                let question = (aggregate.name, aggregate.label)
                row("answered", dimension, question: question, item: "answered", count: aggregate.answered.map(String.init))
                for choice in aggregate.choices {
                    row("choice", dimension, question: question, item: choice.name, itemLabel: choice.label,
                        count: choice.count.map(String.init), percent: choice.percent)
                }
                for value in aggregate.distribution {
                    row("value", dimension, question: question, item: value.name, itemLabel: value.label,
                        count: value.count.map(String.init), percent: value.percent)
                }
                if let summary = aggregate.summary {
                    row("summary", dimension, question: question, item: "n", count: summary.n.map(String.init))
                    for (item, figure) in [("mean", summary.mean), ("median", summary.median), ("min", summary.min), ("max", summary.max)] {
                        row("summary", dimension, question: question, item: item, count: figure.map(Self.number),
                            suppressed: figure == nil && summary.n != 0)
                    }
                }
            }
        }
        scope(TallyKey.allDimension, responses: responses, declined: declined, safeguarding: headline.safeguardingConcerns,
              followUps: headline.followUps, funnel: funnel, questions: questions)
        for (prefix, breakdowns) in [(TallyKey.streetDimension(""), streets), (TallyKey.areaDimension(""), areas)] {
            for breakdown in breakdowns {
                scope(prefix + breakdown.name, responses: breakdown.responses, declined: breakdown.declined,
                      safeguarding: breakdown.safeguardingConcerns, followUps: breakdown.followUps,
                      funnel: breakdown.funnel, questions: breakdown.questions)
            }
        }
        // A form version has no funnel: a knock has no version.
        for version in versions {
            scope(TallyKey.versionDimension(version.name), responses: version.responses, declined: version.declined,
                  safeguarding: version.safeguardingConcerns, followUps: version.followUps, funnel: nil, questions: version.questions)
        }
        return text
    }

    /// A figure as text: at most four decimals, none for whole numbers.
    static func number(_ value: Double) -> String {
        AnswerValue.format((value * 10_000).rounded() / 10_000)
    }
}
