extension CampaignAggregates {
    /// The same figures with the labels of questions and choices in `language`.
    ///
    /// Names, counts and percentages do not change: only `label` and the choices' labels do,
    /// taken from the newest of `forms` that has the question (text not translated into
    /// `language` stays in the form's default language). A question or choice none of `forms`
    /// knows keeps its label.
    /// - Parameters:
    ///   - language: A language code of the forms (``FormDefinition/languages``).
    ///   - forms: The campaign form's versions, oldest first (as for ``compute(campaign:name:date:forms:tallies:funnels:streetAreas:threshold:)``).
    public func inLanguage(_ language: String, forms: [FormDefinition]) -> CampaignAggregates {
        var questions: [String: Question] = [:]
        for form in forms.reversed() {
            for question in form.questions where questions[question.name] == nil { questions[question.name] = question }
        }
        func relabel(_ aggregate: QuestionAggregate) -> QuestionAggregate {
            guard let question = questions[aggregate.name] else { return aggregate }
            var aggregate = aggregate
            aggregate.label = question.reportLabel(in: language)
            aggregate.choices = aggregate.choices.map { relabel($0, choices: question.choices) }
            return aggregate
        }
        func relabel(_ bucket: BucketCount, choices: [Choice]) -> BucketCount {
            guard let choice = choices.first(where: { $0.name == bucket.name }) else { return bucket }
            var bucket = bucket
            bucket.label = choice.localizedLabel.text(in: language)
            return bucket
        }
        var figures = self
        figures.questions = self.questions.map(relabel)
        for index in figures.streets.indices { figures.streets[index].questions = figures.streets[index].questions.map(relabel) }
        for index in figures.areas.indices { figures.areas[index].questions = figures.areas[index].questions.map(relabel) }
        for index in figures.versions.indices { figures.versions[index].questions = figures.versions[index].questions.map(relabel) }
        let agencyChoices = headline.followUpQuestions.flatMap { questions[$0]?.choices ?? [] }
        figures.headline.followUpsByAgency = headline.followUpsByAgency.map { relabel($0, choices: agencyChoices) }
        figures.texts = texts.map { counts in
            var counts = counts
            if let question = questions[counts.name] { counts.label = question.reportLabel(in: language) }
            return counts
        }
        return figures
    }
}
