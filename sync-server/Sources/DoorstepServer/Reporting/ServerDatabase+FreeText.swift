public import DoorstepCore
import Foundation

extension ServerDatabase {
    /// What residents typed in answer to the free-text questions of `campaign`'s form (any
    /// version) that are not sensitive: for each, how many answered and the newest `limit`
    /// answers. Erased responses and sensitive questions are never read.
    ///
    /// - Throws: ``APIError/notFound(_:)`` for an unknown campaign.
    public func freeText(campaign: String, limit: Int = 100) async throws -> [FreeTextAnswers] {
        try await store.read { db in
            guard let form = try String.fetchOne(db, sql: "SELECT form FROM campaigns WHERE id = ?", arguments: [campaign]) else {
                throw APIError.notFound("There is no campaign \(campaign).")
            }
            var questions: [Question] = []
            for version in try formVersions(id: form, db).reversed() {
                for question in version.questions
                where question.type == .text && !question.sensitive && !questions.contains(where: { $0.name == question.name }) {
                    questions.append(question)
                }
            }
            return try questions.map { question in
                let answer = db.dialect.jsonText(of: "answers_json", key: "?2")
                let total = try Int.fetchOne(db, sql: """
                    SELECT COUNT(*) FROM responses
                    WHERE campaign = ?1 AND erased IS DISTINCT FROM 'all' AND \(answer) IS NOT NULL
                    """, arguments: [campaign, question.name]) ?? 0
                let answers = try String.fetchAll(db, sql: """
                    SELECT \(answer) FROM responses
                    WHERE campaign = ?1 AND erased IS DISTINCT FROM 'all' AND \(answer) IS NOT NULL
                    ORDER BY recorded_at DESC, number DESC LIMIT ?3
                    """, arguments: [campaign, question.name, limit])
                return FreeTextAnswers(name: question.name, label: question.label, total: total, answers: answers)
            }.filter { $0.total > 0 }
        }
    }
}
