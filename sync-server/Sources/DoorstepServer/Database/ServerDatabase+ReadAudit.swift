#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DoorstepCore
import DoorstepWire
import Foundation

extension ServerDatabase {
    /// Writes one audit entry per campaign for a read that handed out personal data, in the
    /// table raw exports are audited in (``AuditEntry``): who, when, which campaign, how many
    /// responses. Nothing is written when `responses` is empty.
    ///
    /// The caller writes the entries before it answers, so no such read leaves without its entry.
    /// - Parameters:
    ///   - action: What was read: `pull`, `conflicts` or `report`.
    ///   - responses: How many responses of each campaign the read carried.
    ///   - identity: Who read them.
    ///   - detail: The entry's sentence, given the count.
    /// - Throws: A database error; then the read must not be answered.
    func auditRead(
        _ action: String, responses: [String: Int], by identity: Identity, detail: @Sendable (Int) -> String
    ) async throws {
        guard !responses.isEmpty else { return }
        try await store.write { db in
            for (campaign, count) in responses.sorted(by: { $0.key < $1.key }) {
                try Self.audit(db, identity: identity, action: action, campaign: campaign, detail: detail(count))
            }
        }
    }

    /// Audits a report of `campaigns` rendered for the token with id `tokenID` (a report link
    /// carries the id of the token that asked for it, not its name).
    ///
    /// - Throws: ``APIError/unauthorized(_:)`` when the token is unknown, or a database error.
    func auditReport(campaigns: [String], tokenID: String, withFreeText: Bool = false) async throws {
        try await store.write { db in
            guard let token = try SQLRow.fetchOne(db, sql: "SELECT name, role FROM tokens WHERE id = ?", arguments: [tokenID]),
                  let role = Role(rawValue: token["role"])
            else {
                throw APIError.unauthorized("The token that asked for this report is unknown.")
            }
            let identity = Identity(name: token["name"], tokenID: tokenID, role: role)
            for campaign in campaigns {
                let count = try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM responses WHERE campaign = ? AND erased IS DISTINCT FROM 'all'", arguments: [campaign]
                ) ?? 0
                let figures = role == .viewer ? "suppressed figures" : withFreeText ? "figures and free-text answers" : "figures"
                try Self.audit(
                    db, identity: identity, action: "report", campaign: campaign,
                    detail: "HTML report (\(figures)) of \(count) response\(count == 1 ? "" : "s")."
                )
            }
        }
    }
}

/// Counts, per campaign, the responses read out (into a pull page) that carry an answer to a
/// question their form marks `sensitive: true`: the reads of personal data that are audited.
struct SensitiveResponseCount {
    private let forms: FormCache
    /// The sensitive question names of each form version met, as the bytes `"name":` that
    /// begin the name's member in stored answers JSON (written by ``JSONText``).
    private var keys: [FormVersionKey: [[UInt8]]] = [:]
    /// Responses with sensitive answers, by campaign.
    private(set) var byCampaign: [String: Int] = [:]

    init(forms: FormCache) {
        self.forms = forms
    }

    /// Counts the `responses` row if it carries a sensitive answer.
    ///
    /// - Parameters:
    ///   - campaign: The row's campaign.
    ///   - form: Its form version.
    ///   - erased: Its erasure scope; an erased response keeps no sensitive answer.
    ///   - answersJSON: Its stored answers.
    ///   - db: For a form version not read yet.
    mutating func note(campaign: String, form: FormVersionKey, erased: String?, answersJSON: String, _ db: any SQLSession) throws {
        guard erased == nil else { return }
        let names: [[UInt8]]
        if let known = keys[form] {
            names = known
        } else {
            let sensitive = try forms.definition(id: form.id, version: form.version, db)?.sensitiveQuestionNames ?? []
            names = sensitive.sorted().map { Array(JSONWriter.string($0).utf8) + [UInt8(ascii: ":")] }
            keys[form] = names
        }
        guard !names.isEmpty else { return }
        var json = answersJSON
        let carries = json.withUTF8 { text in names.contains { Self.contains(text, $0) } }
        if carries { byCampaign[campaign, default: 0] += 1 }
    }

    /// Whether `pattern` (not empty) occurs in `text`.
    private static func contains(_ text: UnsafeBufferPointer<UInt8>, _ pattern: [UInt8]) -> Bool {
        guard let base = text.baseAddress, text.count >= pattern.count else { return false }
        var start = 0
        let last = text.count - pattern.count
        while start <= last {
            // memchr finds the next place the pattern could start; memcmp checks it.
            guard let found = memchr(base + start, Int32(pattern[0]), last - start + 1) else { return false }
            let offset = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            if memcmp(base + offset, pattern, pattern.count) == 0 { return true }
            start = offset + 1
        }
        return false
    }
}
