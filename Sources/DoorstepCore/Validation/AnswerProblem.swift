/// Why one answer was refused: the question it belongs to and one sentence for the officer.
public struct AnswerProblem: Error, Hashable, Sendable, CustomStringConvertible {
    /// The name of the question.
    public var question: String
    /// What is wrong, as a sentence ("Enter a whole number, such as 3.").
    public var message: String

    /// Creates a problem for `question`.
    public init(question: String, message: String) {
        self.question = question
        self.message = message
    }

    /// `question: message`.
    public var description: String {
        "\(question): \(message)"
    }
}

/// Every problem of a response, in the order of the form's questions.
public struct AnswerProblems: Error, Hashable, Sendable, CustomStringConvertible {
    /// The problems, at least one.
    public var problems: [AnswerProblem]

    /// Creates the error from its problems.
    public init(problems: [AnswerProblem]) {
        self.problems = problems
    }

    /// The problems, separated by spaces (each ends with a full stop).
    public var description: String {
        problems.map(\.description).joined(separator: " ")
    }
}
