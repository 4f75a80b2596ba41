public import DoorstepCore
public import Foundation

/// The organiser's live view of a campaign as one self-contained HTML page that reloads itself
/// every ``refreshSeconds`` (no script: a `<meta http-equiv="refresh">`): safeguarding concerns
/// first, then doors per street, laptops by officer and knocks per hour.
public struct LivePage: Sendable {
    /// The figures of ``CampaignProgress``.
    public var progress: CampaignProgress
    /// Seconds between reloads.
    public var refreshSeconds: Int
    /// The time the page is drawn at, for ages ("12 min ago").
    public var now: Date

    /// A page of `progress`, reloaded every `refreshSeconds`.
    public init(progress: CampaignProgress, refreshSeconds: Int = 30, now: Date = Date()) {
        self.progress = progress
        self.refreshSeconds = refreshSeconds
        self.now = now
    }

    /// The whole HTML document.
    public func html() -> String {
        var page = ReportPage()
        let total = progress.total
        page.add("<header><h1>\(HTML.escape(progress.name)): live</h1>")
        page.add("<p class=\"meta\">Reloads every \(refreshSeconds) seconds. Figures as the server holds them at \(HTML.escape(progress.generatedAt)); each laptop's work arrives when it syncs.</p></header>")
        page.add(#"<dl class="figures">"#)
        for (label, value) in [("Doors on the walk list", total.doors), ("Knocked", total.knocked), ("Surveyed", total.surveyed),
                               ("Safeguarding concerns", progress.concerns.count), ("Do not contact", progress.doNotContact.count)] {
            let alert = label == "Safeguarding concerns" && value > 0
            page.add(#"<div class="figure\#(alert ? " alert" : "")"><dt>\#(label)</dt><dd>\#(HTML.count(value))</dd></div>"#)
        }
        page.add("</dl>")
        if !progress.concerns.isEmpty {
            page.add("<section class=\"block\"><h2>Safeguarding concerns</h2>")
            page.add("<table><caption>Safeguarding concerns, the newest first</caption><thead><tr><th scope=\"col\">Address</th><th scope=\"col\">Officer</th><th scope=\"col\">Recorded</th><th scope=\"col\">Response</th></tr></thead><tbody>")
            for concern in progress.concerns {
                page.add("<tr><th scope=\"row\">\(HTML.escape(concern.address))</th><td>\(HTML.escape(concern.officer))</td><td>\(HTML.escape(ElapsedTime.since(concern.recordedAt, now: now))) ago</td><td>\(HTML.escape(String(concern.response.prefix(8))))</td></tr>")
            }
            page.add("</tbody></table></section>")
        }
        if !progress.streets.isEmpty {
            page.add("<section class=\"block\"><h2>Doors knocked, by street</h2>")
            page.add(page.barChart(BarChart(
                title: "Doors knocked by street, as a share of each street's doors",
                rows: progress.streets.map { street in
                    BarChart.Row(label: street.street, figures: [
                        Figure(count: street.knocked, percent: ReportText.share(street.knocked, of: street.doors)),
                    ])
                }
            )))
            page.add("</section>")
        }
        page.add(FollowUpTable.section(progress.followUps, heading: "h2"))
        page.add("<section class=\"block\"><h2>Laptops</h2>")
        page.add("<table><caption>Laptops by when the server last heard from them</caption><thead><tr><th scope=\"col\">Officer</th><th scope=\"col\">Last heard</th><th scope=\"col\">Knocks</th><th scope=\"col\">Responses</th></tr></thead><tbody>")
        for laptop in progress.laptops {
            let heard = laptop.lastContact.isEmpty ? "never" : ElapsedTime.since(laptop.lastContact, now: now) + " ago"
            page.add("<tr><th scope=\"row\">\(HTML.escape(laptop.officer))</th><td>\(HTML.escape(heard))</td><td>\(HTML.count(laptop.knocks))</td><td>\(HTML.count(laptop.responses))</td></tr>")
        }
        page.add("</tbody></table></section>")
        if !progress.hours.isEmpty {
            page.add("<section class=\"block\"><h2>Knocks per hour</h2>")
            page.add(page.barChart(BarChart(
                title: "Knocks per hour of the day",
                rows: progress.hours.map { BarChart.Row(label: $0.hour, figures: [Figure(count: $0.knocks)]) }
            )))
            page.add("</section>")
        }
        if !progress.doNotContact.isEmpty {
            page.add("<section class=\"block\"><h2>Do not contact</h2><p>\(HTML.escape(progress.doNotContact.joined(separator: ", ")))</p></section>")
        }
        return page.document(
            title: "\(progress.name) — live", head: #"<meta http-equiv="refresh" content="\#(refreshSeconds)"/>"#
        )
    }
}
