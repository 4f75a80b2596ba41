import DoorstepCore
import Foundation

/// Turns an XLSForm workbook's `survey`, `choices`, `settings` and `follow_ups` sheets into
/// Doorstep's form YAML, row by row, refusing with its sheet, row and column whatever Doorstep cannot do.
///
/// It writes what the sheets say; whether that makes a valid form (names, references,
/// expressions) is for ``DoorstepCore/FormDefinition/parse(yaml:)`` to check, as for any form.
struct XLSFormConverter {
    let survey: XLSFormSheet
    let choices: XLSFormSheet?
    let settings: XLSFormSheet?
    /// Doorstep's own sheet: one follow-up route a row.
    let followUps: XLSFormSheet?
    /// The form's id when the settings give none: the file's name, as pyxform does.
    let fallbackID: String
    /// The form's languages, in the order their columns first appear.
    private var languages: [FormLanguage] = []
    /// The language of columns written without one (`label`), and of plain text in the YAML.
    private var defaultLanguage: FormLanguage?

    /// The headings whose text people read, so that they may be given per language.
    static let localizedKeys: Set<String> = ["label", "hint", "constraint_message", "required_message"]
    /// Media, which a terminal cannot show.
    static let mediaKeys: Set<String> = ["image", "big-image", "audio", "video", "media"]
    static let surveyKeys: Set<String> = [
        "type", "name", "label", "hint", "required", "required_message", "relevant", "constraint", "constraint_message",
        "default", "calculation", "choice_filter", "read_only", "appearance", "sensitive", "on_withdrawal", "safeguarding",
        "retention",
    ]
    static let groupKeys: Set<String> = ["type", "name", "label", "hint", "relevant", "appearance"]
    static let choiceKeys: Set<String> = ["list_name", "name", "label", "replaces"]
    static let settingKeys: Set<String> = ["form_id", "version", "form_title", "default_language", "consent", "retention"]
    static let routeKeys: Set<String> = ["question", "agencies", "sealed", "with"]
    /// Settings for ODK's servers and apps, which mean nothing to Doorstep: kept as comments.
    static let serverSettings: Set<String> = [
        "instance_name", "style", "public_key", "submission_url", "auto_send", "auto_delete", "name", "namespaces",
    ]

    init(_ workbook: Workbook, fallbackID: String) throws(XLSFormError) {
        guard let sheet = workbook.sheet(named: "survey"), let survey = XLSFormSheet(sheet) else {
            throw XLSFormError(message: "The workbook has no survey sheet; an XLSForm lists its questions on a sheet called survey.")
        }
        self.survey = survey
        choices = workbook.sheet(named: "choices").flatMap(XLSFormSheet.init)
        settings = workbook.sheet(named: "settings").flatMap(XLSFormSheet.init)
        followUps = workbook.sheet(named: "follow_ups").flatMap(XLSFormSheet.init)
        self.fallbackID = fallbackID
        try settleLanguages()
    }

    /// The form as YAML.
    func yaml() throws(XLSFormError) -> String {
        var form: [(key: String, value: YAMLNode)] = []
        var comments: [String] = []
        let settingsRow = settings?.rows.first
        func setting(_ key: String) -> String? {
            guard let settings, let settingsRow else { return nil }
            return settings.value(settingsRow, key)
        }
        if let settings, let row = settingsRow {
            for column in settings.columns {
                guard let text = settings.cell(row, column) else { continue }
                if Self.serverSettings.contains(column.key) {
                    comments.append("XLSForm setting \(column.key): \(text) (for ODK servers; Doorstep does not use it)")
                } else if !Self.settingKeys.contains(column.key) || column.qualifier != nil {
                    throw settings.error(row, column, "Doorstep does not know the setting '\(column.heading)'; its settings are \(Self.settingKeys.sorted().joined(separator: ", ")).")
                }
            }
        }
        form.append(("id", .scalar(setting("form_id") ?? fallbackID)))
        guard let version = setting("version") else {
            throw XLSFormError(
                sheet: "settings", row: settingsRow?.number, column: settings?.columns("version").first?.place ?? "version",
                message: "The form has no version; Doorstep keeps every version of a form, so give it one, such as 1 or 2026110101."
            )
        }
        form.append(("version", .scalar(version)))
        if let title = setting("form_title") { form.append(("title", .scalar(title))) }
        if let consent = setting("consent") { form.append(("consent", .scalar(consent))) }
        if let defaultLanguage { form.append(("default_language", .scalar(defaultLanguage.code))) }
        if !languages.isEmpty {
            form.append(("languages", .sequence(languages.map { language in
                .mapping([("code", .scalar(language.code))] + (language.name.map { [("name", YAMLNode.scalar($0))] } ?? []))
            })))
        }
        if let retention = setting("retention") { form.append(("retention", .scalar(retention))) }
        if let followUps {
            let routes = try routes(followUps)
            if !routes.isEmpty { form.append(("follow_ups", .sequence(routes))) }
        }
        form.append(("questions", .sequence(try questions())))
        if let choices {
            form.append(("choices", try choiceLists(choices)))
        }
        return YAMLNode.mapping(form, comments: comments).text
    }

    // MARK: Languages

    /// Works out the form's languages from the headings of the survey and choices sheets and
    /// the setting `default_language`.
    private mutating func settleLanguages() throws(XLSFormError) {
        var plain: [(XLSFormSheet, XLSFormSheet.Column)] = []
        for sheet in [survey] + (choices.map { [$0] } ?? []) {
            for column in sheet.columns where Self.localizedKeys.contains(column.key) {
                guard let qualifier = column.qualifier else {
                    plain.append((sheet, column))
                    continue
                }
                guard let language = column.language else {
                    throw sheet.error(nil, column, "'\(qualifier)' names no language code; write the heading as \(column.key)::Name (code), such as \(column.key)::Cymraeg (cy).")
                }
                if !languages.contains(where: { $0.code == language.code }) { languages.append(language) }
            }
        }
        if let settings, let row = settings.rows.first, let text = settings.value(row, "default_language") {
            guard let language = XLSFormSheet.language(text) else {
                throw settings.error(row, key: "default_language", "'\(text)' names no language code; write it as Name (code), such as English (en).")
            }
            defaultLanguage = languages.first { $0.code == language.code } ?? language
        }
        guard !languages.isEmpty else {
            // One language: named only when the settings name it.
            languages = defaultLanguage.map { [$0] } ?? []
            return
        }
        guard let defaultLanguage else {
            if let (sheet, column) = plain.first {
                throw sheet.error(nil, column, "The column has no language while others have one (\(languages.map(\.description).joined(separator: ", "))); name its language in the settings sheet's default_language, such as English (en).")
            }
            defaultLanguage = languages.first
            return
        }
        if !languages.contains(where: { $0.code == defaultLanguage.code }) {
            if plain.isEmpty, let settings {
                throw settings.error(settings.rows.first, settings.columns("default_language").first, "No column is in the default language \(defaultLanguage); its labels are in \(languages.map(\.description).joined(separator: ", ")).")
            }
            languages.insert(defaultLanguage, at: 0)
        }
        for (sheet, column) in plain {
            if let twin = sheet.columns(column.key).first(where: { $0.language?.code == defaultLanguage.code }) {
                throw sheet.error(nil, twin, "Columns '\(column.heading)' and '\(twin.heading)' both give the default language's \(column.key); keep one.")
            }
        }
    }

    /// The text of `row` in the columns `key` of every language: plain text when the form has
    /// one language or only the default's is given, else a map by language code.
    private func localized(_ sheet: XLSFormSheet, _ row: Workbook.Row, _ key: String) -> YAMLNode? {
        var texts: [String: String] = [:]
        for column in sheet.columns(key) {
            guard let text = sheet.cell(row, column) else { continue }
            let code = column.language?.code ?? defaultLanguage?.code ?? ""
            texts[code] = text
        }
        guard !texts.isEmpty else { return nil }
        if texts.count == 1, let only = texts.first, only.key == (defaultLanguage?.code ?? "") || languages.count <= 1 {
            return .scalar(only.value)
        }
        return .mapping(languages.compactMap { language in texts[language.code].map { (language.code, YAMLNode.scalar($0)) } })
    }

    // MARK: The survey sheet

    /// A section being read: its own keys, comments, and the questions inside it so far.
    private struct Section {
        var entries: [(key: String, value: YAMLNode)]
        var comments: [String]
        var questions: [YAMLNode] = []
        let row: Workbook.Row?
        /// Neither heading nor skip logic: its questions join the section around it.
        let isBare: Bool
    }

    private func questions() throws(XLSFormError) -> [YAMLNode] {
        var sections = [Section(entries: [], comments: [], row: nil, isBare: true)]
        for row in survey.rows {
            try checkColumns(survey, row, allowed: Self.surveyKeys)
            guard let typeText = survey.value(row, "type") else {
                throw survey.error(row, key: "type", "The row has no type; give it one, or delete the row.")
            }
            let words = typeText.split(whereSeparator: \.isWhitespace).map(String.init)
            let kind = words.prefix(2).joined(separator: " ").lowercased().replacingOccurrences(of: "_", with: " ")
            switch kind {
            case "begin group":
                try checkColumns(survey, row, allowed: Self.groupKeys, for: "a group")
                var entries: [(key: String, value: YAMLNode)] = [("name", .scalar(try name(row))), ("type", .scalar("group"))]
                let label = localized(survey, row, "label")
                let hint = localized(survey, row, "hint")
                let relevant = survey.value(row, "relevant")
                if let label { entries.append(("label", label)) }
                if let hint { entries.append(("hint", hint)) }
                if let relevant { entries.append(("relevant", .scalar(relevant))) }
                sections.append(Section(
                    entries: entries, comments: appearance(row), row: row, isBare: label == nil && hint == nil && relevant == nil
                ))
            case "begin repeat", "end repeat":
                throw survey.error(row, key: "type", "Doorstep has no repeats: a response answers each question once.")
            case "end group":
                guard sections.count > 1, let section = sections.popLast() else {
                    throw survey.error(row, key: "type", "This end group closes no group.")
                }
                if section.isBare {
                    sections[sections.count - 1].questions += section.questions
                } else {
                    sections[sections.count - 1].questions.append(
                        .mapping(section.entries + [("questions", .sequence(section.questions))], comments: section.comments)
                    )
                }
            default:
                sections[sections.count - 1].questions.append(try question(row, words: words))
            }
        }
        if sections.count > 1, let open = sections.last?.row {
            throw survey.error(open, key: "type", "This group is never closed; add an end group row after its last question.")
        }
        return sections[0].questions
    }

    /// One question row.
    private func question(_ row: Workbook.Row, words: [String]) throws(XLSFormError) -> YAMLNode {
        let type = try doorstepType(row, words: words)
        var entries: [(key: String, value: YAMLNode)] = [("name", .scalar(try name(row))), ("type", .scalar(type.name))]
        for key in ["label", "hint"] {
            if let text = localized(survey, row, key) { entries.append((key, text)) }
        }
        if let required = try flag(survey, row, "required") { entries.append(("required", .scalar(required))) }
        if let message = localized(survey, row, "required_message") { entries.append(("required_message", message)) }
        if let relevant = survey.value(row, "relevant") { entries.append(("relevant", .scalar(relevant))) }
        if let constraint = survey.value(row, "constraint") { entries.append(("constraint", .scalar(constraint))) }
        if let message = localized(survey, row, "constraint_message") { entries.append(("constraint_message", message)) }
        if let value = survey.value(row, "default") { entries.append(("default", .scalar(try defaultAnswer(row, value, type: type.name)))) }
        if let calculation = type.calculation ?? survey.value(row, "calculation") {
            guard type.name == "calculate" else {
                throw survey.error(row, key: "calculation", "Doorstep computes only calculate questions; make this row a calculate, or take out its calculation.")
            }
            entries.append(("calculate", .scalar(calculation)))
        }
        for key in ["sensitive", "safeguarding"] {
            if let value = try flag(survey, row, key) { entries.append((key, .scalar(value))) }
        }
        if let value = survey.value(row, "on_withdrawal") { entries.append(("on_withdrawal", .scalar(value))) }
        if let value = survey.value(row, "retention") { entries.append(("retention", .scalar(value))) }
        if let filter = survey.value(row, "choice_filter") { entries.append(("choice_filter", .scalar(filter))) }
        if try flag(survey, row, "read_only") == "true", !["note", "calculate"].contains(type.name) {
            throw survey.error(row, key: "read_only", "Doorstep has no read-only questions; show a computed value with a calculate question, or text with a note.")
        }
        return .mapping(entries, comments: appearance(row))
    }

    /// A Doorstep type for the row's XLSForm type, and the calculation of a metadata row.
    private func doorstepType(_ row: Workbook.Row, words: [String]) throws(XLSFormError) -> (name: String, calculation: String?) {
        let type = words.first?.lowercased() ?? ""
        func refuse(_ message: String) -> XLSFormError { survey.error(row, key: "type", message) }
        switch type {
        case "text", "integer", "decimal", "date", "time", "datetime", "note", "calculate", "acknowledge":
            guard words.count == 1 else { throw refuse("'\(words.joined(separator: " "))' is not a type; write \(type) alone.") }
            return (type, nil)
        case "start":
            return ("calculate", "once(now())")
        case "today":
            return ("calculate", "once(today())")
        case "select_one", "select_multiple", "select":
            var words = words
            if type == "select" {
                // `select one LIST`, `select all that apply LIST`: XLSForm's other spellings.
                let spelled = words.map { $0.lowercased() }
                if spelled.starts(with: ["select", "one"]) {
                    words = ["select_one"] + words.dropFirst(2)
                } else if spelled.starts(with: ["select", "all", "that", "apply"]) {
                    words = ["select_multiple"] + words.dropFirst(4)
                } else {
                    throw refuse("Doorstep has no question type '\(words.joined(separator: " "))'.")
                }
            }
            guard words.count == 2 else {
                if words.count > 2, words[2].lowercased() == "or_other" {
                    throw refuse("Doorstep has no or_other; add a choice other and a text question asked when it is chosen.")
                }
                throw refuse("Write \(words[0]) and one choice list name, such as \(words[0]) yes_no.")
            }
            return ("\(words[0]) \(words[1])", nil)
        case "select_one_from_file", "select_multiple_from_file", "csv-external", "xml-external":
            throw refuse("Doorstep reads no external data (\(type)); list the choices on the choices sheet.")
        case "geopoint", "geotrace", "geoshape", "start-geopoint":
            throw refuse("Doorstep records no locations (\(type)); the walk list says where each door is.")
        case "image", "audio", "video", "file", "background-audio", "barcode":
            throw refuse("Doorstep records no photos, sound or files (\(type)).")
        default:
            throw refuse("Doorstep has no question type '\(words.joined(separator: " "))'; it takes text, integer, decimal, date, time, datetime, select_one, select_multiple, note, acknowledge, calculate, start, today and groups.")
        }
    }

    private func name(_ row: Workbook.Row) throws(XLSFormError) -> String {
        guard let name = survey.value(row, "name") else { throw survey.error(row, key: "name", "The row has no name.") }
        return name
    }

    /// A `default` as Doorstep takes one: an answer as typed, `today` for `today()`.
    private func defaultAnswer(_ row: Workbook.Row, _ value: String, type: String) throws(XLSFormError) -> String {
        if type == "date", value.replacingOccurrences(of: " ", with: "") == "today()" { return "today" }
        if value.contains("${") || value.contains("(") {
            throw survey.error(row, key: "default", "Doorstep's default is an answer as typed, not an expression ('\(value)'); compute it with a calculate question.")
        }
        return value
    }

    /// `true` or `false` for a yes/no cell (`yes`, `TRUE()`, `1`, …); `nil` when empty.
    private func flag(_ sheet: XLSFormSheet, _ row: Workbook.Row, _ key: String) throws(XLSFormError) -> String? {
        guard let value = sheet.value(row, key) else { return nil }
        switch value.lowercased().replacingOccurrences(of: " ", with: "") {
        case "yes", "y", "true", "true()", "1": return "true"
        case "no", "n", "false", "false()", "0": return "false"
        default:
            throw sheet.error(row, key: key, "Doorstep's \(key) is yes or no, not '\(value)'\(key == "required" ? "; ask the question only when it applies with relevant" : "").")
        }
    }

    /// The row's appearance, which a terminal does not use, as a comment.
    private func appearance(_ row: Workbook.Row) -> [String] {
        survey.value(row, "appearance").map { ["XLSForm appearance: \($0) (not used in a terminal)"] } ?? []
    }

    /// Refuses a row with text in a column Doorstep does not read (for `kind`, such as a group).
    private func checkColumns(_ sheet: XLSFormSheet, _ row: Workbook.Row, allowed: Set<String>, for kind: String? = nil) throws(XLSFormError) {
        for (index, _) in row.cells.sorted(by: { $0.key < $1.key }) {
            guard let column = sheet.columns.first(where: { $0.index == index }) else {
                throw XLSFormError(
                    sheet: sheet.name, row: row.number, column: XLSFormError.letters(index),
                    message: "The column has no heading; give it one, or empty it."
                )
            }
            guard sheet.cell(row, column) != nil, !allowed.contains(column.key) else { continue }
            if Self.mediaKeys.contains(column.key) {
                throw sheet.error(row, column, "Doorstep shows no pictures, sound or video; take the media out of the form.")
            }
            if let kind {
                throw sheet.error(row, column, "Doorstep does not use \(column.key) on \(kind), which takes \(allowed.subtracting(["type", "appearance"]).sorted().joined(separator: ", ")).")
            }
            throw sheet.error(row, column, "Doorstep does not know the column '\(column.heading)'; its columns are \(allowed.sorted().joined(separator: ", ")) (see docs/forms.md).")
        }
    }

    // MARK: The choices sheet

    private func choiceLists(_ sheet: XLSFormSheet) throws(XLSFormError) -> YAMLNode {
        var order: [String] = []
        var lists: [String: [YAMLNode]] = [:]
        // Other columns, such as `county`, are what a choice_filter reads: kept as choice keys.
        var extra: [String] = []
        for key in sheet.columns.map(\.key) where !extra.contains(key) && !Self.choiceKeys.contains(key)
            && !Self.mediaKeys.contains(key) && !Self.localizedKeys.contains(key) && key.first?.isLetter == true
            && key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
        {
            extra.append(key)
        }
        for row in sheet.rows {
            try checkColumns(sheet, row, allowed: Self.choiceKeys.union(extra))
            guard let list = sheet.value(row, "list_name") else {
                throw sheet.error(row, key: "list_name", "The choice has no list_name.")
            }
            guard let name = sheet.value(row, "name") else {
                throw sheet.error(row, key: "name", "The choice has no name.")
            }
            var entries: [(key: String, value: YAMLNode)] = [("name", .scalar(name))]
            if let label = localized(sheet, row, "label") { entries.append(("label", label)) }
            if let replaces = sheet.value(row, "replaces") {
                let names = replaces.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map { YAMLNode.scalar(String($0)) }
                entries.append(("replaces", names.count == 1 ? names[0] : .sequence(names)))
            }
            for key in extra {
                if let value = sheet.value(row, key) { entries.append((key, .scalar(value))) }
            }
            if lists[list] == nil { order.append(list) }
            lists[list, default: []].append(.mapping(entries))
        }
        return .mapping(order.map { ($0, .sequence(lists[$0] ?? [])) })
    }

    // MARK: The follow_ups sheet

    /// One route a row: `question`, `agencies` as `choice=agency` pairs, and the question names
    /// of `sealed` and `with`. Whether the names are the form's is for the form checker.
    private func routes(_ sheet: XLSFormSheet) throws(XLSFormError) -> [YAMLNode] {
        var routes: [YAMLNode] = []
        for row in sheet.rows {
            try checkColumns(sheet, row, allowed: Self.routeKeys)
            guard let question = sheet.value(row, "question") else {
                throw sheet.error(row, key: "question", "The route has no question; name the select question whose choices ask agencies.")
            }
            guard let text = sheet.value(row, "agencies") else {
                throw sheet.error(row, key: "agencies", "The route has no agencies; pair each choice that asks an agency with the agency's id, such as fire_rescue=fire council_asb=council-asb.")
            }
            var agencies: [(key: String, value: YAMLNode)] = []
            // `choice = agency` with spaces around the `=` is the same pair.
            let spaced = text.replacingOccurrences(of: #"\s*=\s*"#, with: "=", options: .regularExpression)
            for pair in Self.words(spaced) {
                let parts = pair.split(separator: "=", omittingEmptySubsequences: false).map(String.init)
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    throw sheet.error(row, key: "agencies", "'\(pair)' is not a choice=agency pair; write each choice that asks an agency and the agency's id, separated by spaces, such as fire_rescue=fire council_asb=council-asb.")
                }
                agencies.append((parts[0], .scalar(parts[1])))
            }
            var entries: [(key: String, value: YAMLNode)] = [("question", .scalar(question)), ("agencies", .mapping(agencies))]
            for key in ["sealed", "with"] {
                let names = sheet.value(row, key).map(Self.words) ?? []
                if !names.isEmpty { entries.append((key, .sequence(names.map { .scalar($0) }))) }
            }
            routes.append(.mapping(entries))
        }
        return routes
    }

    /// The words of a cell that lists names, separated by spaces or commas.
    private static func words(_ text: String) -> [String] {
        text.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map(String.init)
    }
}
