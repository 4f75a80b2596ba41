public import DoorstepCore
public import DoorstepWire
import Foundation

/// Random wire values with text that needs escaping, for the differential and reader tests.
public enum WireSamples {
    public static let awkward = [
        "plain", "quote \" and \\ backslash", "tab\tnew\nline\r", "control \u{01}\u{08}\u{0C}\u{1F}", "slash /",
        "é ünïcödé", "emoji 😀", "", "  spaces  ", "\u{2028}",
    ]

    public static func text(_ random: inout SeededGenerator, _ index: Int) -> String {
        awkward.randomElement(using: &random)! + String(index)
    }

    public static func stamp(_ random: inout SeededGenerator, _ index: Int) -> HLCTimestamp {
        HLCTimestamp(physical: 1_763_910_853_000 + Int64(random.next() % 100_000), counter: index % 5, node: "dev-\(index % 3)")
    }

    public static func answer(_ random: inout SeededGenerator, _ index: Int) -> AnswerValue {
        switch random.next() % 5 {
        case 0: .text(text(&random, index))
        case 1: .integer(Int(Int32(truncatingIfNeeded: random.next())))
        case 2: .decimal(Double(Int(random.next() % 10_000)) / 7 - 500)
        case 3: .decimal(Double(Int(random.next() % 100)))
        default: .list((0..<Int(random.next() % 3)).map { _ in text(&random, index) })
        }
    }

    public static func answers(_ random: inout SeededGenerator, _ index: Int) -> Answers {
        var answers: Answers = [:]
        for _ in 0..<Int(random.next() % 5) { answers[text(&random, index)] = answer(&random, index) }
        return answers
    }

    public static func door(_ random: inout SeededGenerator, _ index: Int) -> WalkListAddress {
        let location: DoorLocation? = switch random.next() % 3 {
        case 0: .degrees(latitude: 51.5 + Double(random.next() % 1000) / 1e5, longitude: -0.1)
        case 1: .grid(easting: Double(530_000 + random.next() % 1000), northing: 180_000.5)
        default: nil
        }
        return WalkListAddress(
            id: "door-\(index)", address: text(&random, index), postcode: random.next() % 2 == 0 ? nil : "AB1 2CD",
            street: random.next() % 2 == 0 ? nil : text(&random, index), area: random.next() % 2 == 0 ? nil : "North",
            uprn: random.next() % 2 == 0 ? nil : "1000\(index)", notes: random.next() % 2 == 0 ? [:] : [text(&random, index): text(&random, index)],
            addedBy: random.next() % 2 == 0 ? nil : text(&random, index), location: location
        )
    }

    public static func operation(_ random: inout SeededGenerator, _ index: Int) -> SyncOperation {
        let stamp = stamp(&random, index)
        let body: SyncOperation.Body
        switch index % 5 {
        case 0:
            body = .createResponse(NewResponse(
                response: UUID(), campaign: text(&random, index), address: text(&random, index), form: "f", formVersion: "1",
                recordedAt: "2026-11-14T10:00:00Z", answers: answers(&random, index), safeguarding: random.next() % 3 == 0,
                erased: [nil, .sensitive, .all][Int(random.next() % 3)]
            ))
        case 1:
            body = .updateResponse(ResponseUpdate(response: UUID(), fields: (0..<Int(random.next() % 3)).map { _ in
                FieldChange(
                    name: text(&random, index), value: random.next() % 4 == 0 ? nil : answer(&random, index),
                    base: random.next() % 2 == 0 ? nil : stamp, resolves: random.next() % 2 == 0 ? [] : [stamp, stamp]
                )
            }))
        case 2:
            body = .recordVisit(Visit(
                visit: UUID(), campaign: "c", address: text(&random, index), outcome: VisitOutcome.allCases.randomElement(using: &random)!,
                note: random.next() % 2 == 0 ? nil : text(&random, index), at: "2026-11-14T10:00:00Z",
                callBack: random.next() % 2 == 0 ? nil : text(&random, index)
            ))
        case 3:
            body = .eraseResponse(Erasure(
                response: UUID(), scope: random.next() % 2 == 0 ? .all : .sensitive,
                reason: random.next() % 2 == 0 ? nil : text(&random, index)
            ))
        default:
            body = .addAddress(NewAddress(campaign: text(&random, index), door: door(&random, index)))
        }
        return SyncOperation(stamp: stamp, device: text(&random, index), body: body)
    }

    public static func responseState(_ random: inout SeededGenerator, _ index: Int) -> ResponseState {
        var fields: [String: FieldValue] = [:]
        for _ in 0..<Int(random.next() % 6) {
            fields[text(&random, index)] = FieldValue(value: random.next() % 5 == 0 ? nil : answer(&random, index), stamp: stamp(&random, index))
        }
        return ResponseState(
            id: UUID(), campaign: text(&random, index), address: text(&random, index), form: "f", formVersion: "2",
            recordedAt: "2026-11-14T10:00:00Z", device: text(&random, index), fields: fields,
            erased: [nil, .sensitive, .all][Int(random.next() % 3)]
        )
    }
}
