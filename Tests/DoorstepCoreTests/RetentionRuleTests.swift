import Foundation
import Testing

@testable import DoorstepCore

/// Which answers have expired: a question's period (its own, else the form's), capped by the campaign.
@Suite struct RetentionRuleTests {
    static let form = """
        id: f
        version: 1
        retention: 2 years
        questions:
          - {name: intro, type: note, label: Hello}
          - {name: phone, type: text, label: Phone, sensitive: true, retention: 12 months}
          - {name: ping, type: text, label: Ping, retention: 1 minute}
          - {name: rating, type: integer, label: Rating}
        """

    static let recorded = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z

    static func at(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text)!
    }

    @Test func monthsAreCalendarMonthsFromTheRecording() throws {
        let rule = RetentionRule(form: try FormDefinition.parse(yaml: Self.form), cap: nil)
        #expect(rule.expiredQuestions(recordedAt: Self.recorded, now: Self.at("2026-12-31T23:59:59Z")) == ["ping"])
        #expect(rule.expiredQuestions(recordedAt: Self.recorded, now: Self.at("2027-01-01T00:00:00Z")) == ["ping", "phone"])
        #expect(rule.expiredQuestions(recordedAt: Self.recorded, now: Self.at("2028-01-01T00:00:00Z")) == ["ping", "phone", "rating"])
        #expect(rule.expiresEverything(["ping", "phone", "rating"]))
        #expect(!rule.expiresEverything(["ping", "phone"]))
    }

    @Test func aMinuteExpiresAMinuteLater() throws {
        let rule = RetentionRule(form: try FormDefinition.parse(yaml: Self.form), cap: nil)
        #expect(rule.expiredQuestions(recordedAt: Self.recorded, now: Self.recorded.addingTimeInterval(59)).isEmpty)
        #expect(rule.expiredQuestions(recordedAt: Self.recorded, now: Self.recorded.addingTimeInterval(60)) == ["ping"])
    }

    @Test func theCampaignCapShortensButNeverLengthens() throws {
        let form = try FormDefinition.parse(yaml: Self.form)
        let capped = RetentionRule(form: form, cap: RetentionPeriod("30 days"))
        #expect(capped.period(of: form.question(named: "phone")!) == RetentionPeriod("30 days"))
        #expect(capped.period(of: form.question(named: "ping")!) == RetentionPeriod("1 minute"))
        #expect(capped.expiredQuestions(recordedAt: Self.recorded, now: Self.at("2026-01-31T00:00:00Z")) == ["ping", "phone", "rating"])
        let long = RetentionRule(form: form, cap: RetentionPeriod("10 years"))
        #expect(long.period(of: form.question(named: "rating")!) == RetentionPeriod("2 years"))
        #expect(long.expiredQuestions(recordedAt: Self.recorded, now: Self.at("2027-06-01T00:00:00Z")) == ["ping", "phone"])
    }

    @Test func withoutRetentionAnswersAreKeptUntilErased() throws {
        let form = try FormDefinition.parse(yaml: """
            id: f
            version: 1
            questions:
              - {name: rating, type: integer, label: Rating}
            """)
        let rule = RetentionRule(form: form, cap: nil)
        #expect(rule.period(of: form.questions[0]) == nil)
        #expect(rule.expiredQuestions(recordedAt: Self.recorded, now: Self.at("2126-01-01T00:00:00Z")).isEmpty)
        let capped = RetentionRule(form: form, cap: RetentionPeriod("1 minute"))
        #expect(capped.expiredQuestions(recordedAt: Self.recorded, now: Self.recorded.addingTimeInterval(60)) == ["rating"])
    }
}
