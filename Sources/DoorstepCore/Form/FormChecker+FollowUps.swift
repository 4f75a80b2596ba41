extension FormChecker {
    /// Follow-up routes: a select question, choices of it mapped to valid agency ids, sealed
    /// answers that are personal data nobody else's expression reads, and plain companions.
    mutating func checkFollowUps() {
        var routedQuestions: Set<String> = []
        let sealed = form.sealedQuestionNames
        for route in form.followUps {
            let who = "The follow-up route of '\(route.question)'"
            guard let question = questions[route.question] else {
                faults.append("\(who) names no question of this form.")
                continue
            }
            if !routedQuestions.insert(route.question).inserted {
                faults.append("\(who) is declared twice; list every agency and answer of a question in one route.")
            }
            if !Self.isSelect(question.type) {
                faults.append("\(who) must name a select_one or select_multiple question, not a \(question.type.written) one.")
            } else if question.sensitive {
                faults.append("\(who) names a sensitive question; the choice of agency is counted, so it cannot be personal data.")
            }
            var mapped: Set<String> = []
            for (choice, agency) in route.agencies {
                if !mapped.insert(choice).inserted {
                    faults.append("\(who) maps choice '\(choice)' twice.")
                }
                if Self.isSelect(question.type), !question.choices.contains(where: { $0.name == choice }) {
                    faults.append("\(who) maps '\(choice)', which is not a choice of '\(route.question)'.")
                }
                if !AgencyID.isValid(agency) {
                    faults.append("\(who) sends '\(choice)' to agency '\(agency)'; an agency id is \(AgencyID.rule).")
                }
            }
            for name in route.sealed {
                guard let answer = questions[name] else {
                    faults.append("\(who) seals '\(name)', which is not a question of this form.")
                    continue
                }
                switch answer.type {
                case .text, .integer, .decimal, .date, .time, .dateTime:
                    break
                default:
                    faults.append("\(who) seals '\(name)', a \(answer.type.written) question; only typed answers (text, numbers, dates and times) can be sealed.")
                }
                if !answer.sensitive {
                    faults.append("\(who) seals '\(name)'; mark it sensitive: true, as personal data.")
                }
                if answer.defaultValue != nil {
                    faults.append("\(who) seals '\(name)', which has a default; a sealed answer is only what the resident gives.")
                }
            }
            for name in route.with {
                guard let answer = questions[name] else {
                    faults.append("\(who) sends '\(name)' with the follow-up, but it is not a question of this form.")
                    continue
                }
                if answer.sensitive && !sealed.contains(name) {
                    faults.append("\(who) sends '\(name)' in plain with the follow-up, but it is sensitive; seal it instead.")
                }
                if sealed.contains(name) {
                    faults.append("\(who) lists '\(name)' under both sealed and with.")
                }
            }
        }
        checkSealedReferences(sealed)
    }

    /// Nobody can read a sealed answer but its agencies, so no other expression, label or hint
    /// may read it: the server could not check it, and a label would show it.
    private mutating func checkSealedReferences(_ sealed: Set<String>) {
        guard !sealed.isEmpty else { return }
        for question in form.questions {
            let expressions = [
                ("relevant", question.relevant), ("constraint", question.constraint),
                ("calculate", question.calculate), ("choice_filter", question.choiceFilter),
            ]
            for (field, source) in expressions {
                guard let source, let expression = try? FormExpression.parse(source) else { continue }
                var named: [String] = []
                for reference in expression.references where sealed.contains(reference.name) && !named.contains(reference.name) {
                    named.append(reference.name)
                    faults.append("Question '\(question.name)' reads sealed answer '\(reference.name)' in its \(field); only the agencies it is sealed to can read it.")
                }
            }
            for text in [question.localizedLabel, question.localizedHint].compactMap({ $0 }) {
                for name in text.references where sealed.contains(name) {
                    faults.append("Question '\(question.name)' shows sealed answer ${\(name)}; only the agencies it is sealed to can read it.")
                }
            }
        }
        for group in form.groups {
            if let source = group.relevant, let expression = try? FormExpression.parse(source) {
                for reference in expression.references where sealed.contains(reference.name) {
                    faults.append("Group '\(group.name)' reads sealed answer '\(reference.name)' in its relevant; only the agencies it is sealed to can read it.")
                }
            }
        }
    }

    /// Retention belongs on questions that keep an answer.
    mutating func checkRetention() {
        for question in form.questions where question.retention != nil && !question.type.takesInput && question.type != .calculate {
            faults.append("Question '\(question.name)' has a retention, but a note keeps no answer.")
        }
    }
}
