import DoorstepCore

/// A Doorstep form written out as an XLSForm's sheets (with Doorstep's `retention` column and
/// setting and its `follow_ups` sheet), the way a form author would lay it out
/// in a spreadsheet: the XLSForm versions of the sample forms, whose import must give the form
/// back. Empty text is an empty cell.
enum XLSFormRows {
    typealias Sheets = [(name: String, rows: [[String]])]

    /// The sample forms of `forms/`.
    static let sampleForms = ["community-safety.yaml", "community-safety-cy.yaml", "safe-and-well.yaml", "women-girls-safety.yaml"]

    static func sheets(of form: FormDefinition) -> Sheets {
        let languages = form.languages
        func heading(_ language: FormLanguage) -> String {
            language.name.map { "\($0) (\(language.code))" } ?? language.code
        }
        func headings(_ key: String) -> [String] {
            languages.isEmpty ? [key] : languages.map { "\(key)::\(heading($0))" }
        }
        func texts(_ text: LocalizedText?) -> [String] {
            guard !languages.isEmpty else { return [text?.text ?? ""] }
            return languages.map { language in
                language.code == form.defaultLanguage ? text?.text ?? "" : text?.translations[language.code] ?? ""
            }
        }
        func flag(_ value: Bool) -> String { value ? "yes" : "" }

        var survey: [[String]] = [
            ["type", "name"] + headings("label") + headings("hint") + ["required"] + headings("required_message")
                + ["relevant", "constraint"] + headings("constraint_message")
                + ["default", "calculation", "sensitive", "on_withdrawal", "safeguarding", "retention"],
        ]
        let width = survey[0].count
        func groupRow(_ type: String, _ group: QuestionGroup?) -> [String] {
            var row = [type, group?.name ?? ""] + texts(group?.localizedLabel) + texts(group?.localizedHint)
            row += [""] + texts(nil) + [group?.relevant ?? ""]
            return row + Array(repeating: "", count: width - row.count)
        }
        var open: [String] = []
        for question in form.questions {
            var path: [String] = []
            var current = question.group
            while let name = current, !path.contains(name) {
                path.insert(name, at: 0)
                current = form.group(named: name)?.parent
            }
            while !open.isEmpty, !path.starts(with: open) {
                open.removeLast()
                survey.append(groupRow("end group", nil))
            }
            for name in path.dropFirst(open.count) {
                survey.append(groupRow("begin group", form.group(named: name)))
                open.append(name)
            }
            survey.append(
                [question.type.written, question.name] + texts(question.localizedLabel) + texts(question.localizedHint)
                    + [flag(question.required)] + texts(question.localizedRequiredMessage)
                    + [question.relevant ?? "", question.constraint ?? ""] + texts(question.localizedConstraintMessage)
                    + [question.defaultValue ?? "", question.calculate ?? "", flag(question.sensitive),
                       question.onWithdrawal?.rawValue ?? "", flag(question.safeguarding),
                       question.retention?.description ?? ""]
            )
        }
        survey += open.map { _ in groupRow("end group", nil) }

        var choices: [[String]] = [["list_name", "name"] + headings("label") + ["replaces"]]
        for list in form.choiceLists.keys.sorted() {
            for choice in form.choiceLists[list] ?? [] {
                choices.append([list, choice.name] + texts(choice.localizedLabel) + [choice.replaces.joined(separator: " ")])
            }
        }
        let defaultLanguage = form.defaultLanguage.flatMap(form.language).map(heading)
        let settings = [
            ["form_id", "version", "form_title", "default_language", "consent", "retention"],
            [form.id, form.version, form.title, defaultLanguage ?? "", form.consent ?? "", form.retention?.description ?? ""],
        ]
        var sheets: Sheets = [("survey", survey), ("choices", choices), ("settings", settings)]
        if !form.followUps.isEmpty {
            var routes = [["question", "agencies", "sealed", "with"]]
            for route in form.followUps {
                routes.append([
                    route.question, route.agencies.map { "\($0.choice)=\($0.agency)" }.joined(separator: " "),
                    route.sealed.joined(separator: " "), route.with.joined(separator: " "),
                ])
            }
            sheets.append(("follow_ups", routes))
        }
        return sheets
    }
}
