/// How a validator reads the answers of sealed questions (``FormDefinition/sealedQuestionNames``).
public enum SealedAnswerMode: Sendable, Hashable {
    /// As stored, pushed and merged: each is a well-formed ``SealedAnswer`` sealed to exactly the
    /// agencies the other answers route it to; its type and constraint were checked on the laptop,
    /// on the plain value, before it was sealed.
    case sealed
    /// As typed at the door, before the laptop seals them: checked like any answer, and refused
    /// when no agency is asked to receive them.
    case plain
}

extension AnswerValidator {
    func notSealedProblem(at index: Int) -> AnswerProblem {
        AnswerProblem(
            question: compiled.names[index],
            message: "This answer is sealed to the agencies the resident chose; it must arrive sealed, never as plain text."
        )
    }

    /// The agencies a sealed answer at `index` must be sealed to, given the settled answers.
    func sealingAgencies(at index: Int, given slots: Slots) -> [String] {
        let name = compiled.names[index]
        var routed: Answers = [:]
        for route in form.followUps where route.sealed.contains(name) {
            if let position = compiled.questionIndex[route.question], let value = slots[position] {
                routed[route.question] = value
            }
        }
        return form.sealingAgencies(for: name, given: routed)
    }

    /// Whether a sealed question's answer goes to exactly the agencies the resident chose; in
    /// ``SealedAnswerMode/plain`` mode, its type was checked and its constraint is checked here.
    func sealingProblem(_ value: AnswerValue, at index: Int, given slots: Slots) -> AnswerProblem? {
        let agencies = sealingAgencies(at: index, given: slots)
        let name = compiled.names[index]
        guard !agencies.isEmpty else {
            return AnswerProblem(
                question: name,
                message: "No agency was chosen to receive this answer, so it cannot be kept; leave it out."
            )
        }
        switch sealedAnswers {
        case .plain:
            return filteredChoiceProblem(value, at: index, given: slots) ?? constraintProblem(value, at: index, given: slots)
        case .sealed:
            guard case .text(let text) = value, let sealed = SealedAnswer(text: text) else { return notSealedProblem(at: index) }
            guard Set(sealed.agencies) == Set(agencies) else {
                return AnswerProblem(
                    question: name,
                    message: "This answer is sealed to \(sealed.agencies.joined(separator: ", ")), but the resident chose \(agencies.joined(separator: ", ")); enter it again so that it is sealed to them."
                )
            }
            return nil
        }
    }
}
