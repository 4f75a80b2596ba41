import DoorstepCore

extension Question {
    /// An answer to this question as officers read it: choice labels (in `language`, the form's
    /// default when `nil`) rather than choice names, several choices separated by semicolons.
    func display(_ value: AnswerValue, in language: String?) -> String {
        func label(_ name: String) -> String { choices.first { $0.name == name }?.localizedLabel.text(in: language) ?? name }
        switch (type, value) {
        case (.selectOne, .text(let name)): return label(name)
        case (.selectMultiple, .list(let names)): return names.map(label).joined(separator: "; ")
        default: return value.description
        }
    }
}

extension String {
    /// The string without surrounding spaces, tabs or line ends.
    func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
