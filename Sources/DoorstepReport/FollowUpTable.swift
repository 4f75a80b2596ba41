import DoorstepCore

/// The organisers' table of follow-ups by agency and latest outcome: counts only, never an answer
/// or an agency's note. The report and the live page show it.
enum FollowUpTable {
    /// The outcomes as a table heads them, in ``FollowUpCompletion/outcomeOrder``.
    static let headings = [
        "contacted": "Contacted", "no-reply": "No reply", "declined": "Declined", "done": "Done", "purged": "Purged",
        FollowUpCompletion.noOutcome: "Not yet",
    ]

    /// A `<section>` with the table, or nothing when no agency has a follow-up.
    static func section(_ completion: [FollowUpCompletion], heading: String) -> String {
        guard completion.contains(where: { $0.routed > 0 }) else { return "" }
        var html = "<section class=\"block\"><\(heading)>Follow-ups by agency</\(heading)>"
        html += "<p class=\"meta\">Each agency's latest outcome for the residents who asked it to get in touch. "
        html += "What residents said and the agencies' notes stay with the agencies.</p>"
        html += "<table><caption>Follow-ups by agency and outcome</caption><thead><tr><th scope=\"col\">Agency</th>"
        html += "<th scope=\"col\">Asked</th>"
        for key in FollowUpCompletion.outcomeOrder { html += "<th scope=\"col\">\(headings[key] ?? key)</th>" }
        html += "</tr></thead><tbody>"
        for agency in completion where agency.routed > 0 {
            html += "<tr><th scope=\"row\">\(HTML.escape(agency.agency))</th><td>\(HTML.count(agency.routed))</td>"
            for key in FollowUpCompletion.outcomeOrder { html += "<td>\(HTML.count(agency.outcomes[key] ?? 0))</td>" }
            html += "</tr>"
        }
        return html + "</tbody></table></section>"
    }
}
