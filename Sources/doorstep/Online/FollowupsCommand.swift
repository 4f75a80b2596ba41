public import ArgumentParser
import DoorstepCore
import DoorstepSealing
import DoorstepStore
import DoorstepSync
public import DoorstepWire
import Foundation
import Logging

/// `doorstep followups`: a partner agency's worklist, on the agency's own laptop.
struct FollowupsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "followups",
        abstract: "A partner agency's follow-ups: who to contact, where, and what they asked for.",
        discussion: """
            On an agency's laptop, logged in with the agency's token (doorstep login): sends the \
            outcomes recorded here, fetches the follow-ups routed to the agency and keeps them (still \
            sealed) so that the list reads offline, then opens the residents' sealed answers with the \
            agency's key file. The key file is --key, else AGENCY.key in the Doorstep home; its \
            passphrase is read from --passphrase-file, else $DOORSTEP_KEY_PASSPHRASE, else asked at \
            the terminal. Without the server the list last fetched is shown.

            --json prints {agency, fetched_at, follow_ups: [...]}, each with response, campaign, \
            form, form_version, recorded_at, address, postcode, asked ([{choice, label}]), answers \
            (opened values, choice names as stored), unopened ({question: reason}), outcome (the \
            server's latest: null or {outcome, note, stamp}) and pending_outcome (one recorded here \
            and not sent yet: null or {outcome, note}). It holds residents' \
            contact details: keep it on this machine.

            Examples:
              doorstep followups
              doorstep followups --key /secure/fire.key --campaign west-end
              doorstep followups outcome 3f2a9c1e --outcome contacted --note "Visit booked for Tuesday"
            """,
        subcommands: [List.self, Outcome.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send recorded outcomes, fetch the agency's follow-ups, and list them opened.",
            discussion: """
                Examples:
                  doorstep followups
                  doorstep followups list --key /secure/fire.key --json
                """
        )

        @OptionGroup var home: HomeOptions
        @OptionGroup var connection: ConnectionOptions
        @Option(help: ArgumentHelp("The agency's key file (default: AGENCY.key in the Doorstep home).", valueName: "file"))
        var key: String?
        @OptionGroup var passphrase: PassphraseOptions
        @Option(help: ArgumentHelp("Only this campaign's follow-ups.", valueName: "id")) var campaign: String?
        @Flag(name: .long, help: "Print JSON on stdout.") var json = false

        func run() async throws {
            let logger = connection.logger("doorstep.followups", quiet: json)
            let store = try home.openStore()
            try await Worklist.refresh(home: home, connection: connection, store: store, logger: logger)
            guard let (list, fetchedAt) = try store.worklist() else {
                throw CLIError(.usage, "This laptop has no follow-ups yet: log in with the agency's token (doorstep login --server URL --token -), then run doorstep followups.")
            }
            let followUps = list.followUps.filter { campaign == nil || $0.campaign == campaign }
            let needsKey = followUps.contains { $0.answers.values.contains { $0.sealedText != nil } }
            let keyring = needsKey ? try openKeyring(agency: list.agency) : nil
            var pending: [UUID: FollowUpOutcome] = [:]
            for operation in try store.pendingOperations(limit: Int.max) {
                if case .recordOutcome(let outcome) = operation.body { pending[outcome.response] = outcome }
            }
            let opened = followUps.map { Worklist.Entry($0, keyring: keyring, store: store, pending: pending[$0.response]) }
            for reason in Worklist.reasons(opened) { Console.error(reason) }
            if json {
                try Console.json(Worklist.JSON(agency: list.agency, fetchedAt: fetchedAt, followUps: opened))
                return
            }
            Console.out("Follow-ups for \(list.agency): \(opened.count), fetched \(fetchedAt).")
            for entry in opened {
                Console.out()
                for line in entry.lines { Console.out(line) }
            }
        }

        /// The agency's keys: `--key`, else `AGENCY.key` in the home folder.
        private func openKeyring(agency: String) throws -> AgencyKeyring {
            let path: String
            if let key {
                path = key
            } else {
                let fallback = try AgencyKeyFile.inHome(home, agency: agency).path
                guard FileManager.default.fileExists(atPath: fallback) else {
                    throw CLIError(.usage, "There is no \(agency).key in \(try home.homeURL().path), where doorstep keys generate writes it: give the agency's key file with --key FILE.")
                }
                path = fallback
            }
            let text = try Console.readText(path, what: "key")
            let secret = try passphrase.passphrase(new: false)
            let keyring = try sealing { try AgencyKeyring(fileText: text, passphrase: secret) }
            guard keyring.agency == agency else {
                throw CLIError(.usage, "\(path) holds the keys of agency \(keyring.agency), not of \(agency), whose follow-ups these are.")
            }
            return keyring
        }
    }

    struct Outcome: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record what the agency did about a follow-up; it is sent at the next doorstep followups or sync.",
            discussion: """
                The outcome is one of contacted, no-reply, declined or done; the note is the agency's \
                own (organisers see only the outcome). The latest outcome is the one shown.

                Example: doorstep followups outcome 3f2a9c1e --outcome done --note "Smoke alarms fitted"
                """
        )

        @OptionGroup var home: HomeOptions
        @Argument(help: "The follow-up's response id, or its first 8 or more characters.") var responseID: String
        @Option(help: ArgumentHelp("contacted, no-reply, declined or done.", valueName: "outcome"))
        var outcome: FollowUpOutcome.Outcome
        @Option(help: ArgumentHelp("The agency's own note.", valueName: "text")) var note: String?

        func validate() throws {
            guard FollowUpOutcome.Outcome.recordable.contains(outcome) else {
                throw ValidationError("--outcome must be \(FollowUpOutcome.Outcome.recordable.map(\.rawValue).joined(separator: ", ")).")
            }
        }

        func run() throws {
            let store = try home.openStore()
            guard let (list, _) = try store.worklist() else {
                throw CLIError(.usage, "This laptop has no follow-ups: run doorstep followups first.")
            }
            let prefix = try IDPrefix(responseID, kind: .response)
            let followUp = try prefix.match(list.followUps) { $0.response.uuidString }
            let trimmed = note?.trimmingWhitespace()
            try store.recordOutcome(
                FollowUpOutcome(response: followUp.response, agency: list.agency, outcome: outcome, note: trimmed?.isEmpty == false ? trimmed : nil)
            )
            Console.out("Recorded \(outcome.rawValue) for \(followUp.response.lowercasedString); it is sent at the next doorstep followups or doorstep sync.")
        }
    }
}

extension FollowUpOutcome.Outcome: ExpressibleByArgument {
    /// The outcomes an agency records; `purged` is the server's own.
    public static var allValueStrings: [String] { recordable.map(\.rawValue) }
}

/// Reading and showing an agency's worklist.
enum Worklist {
    /// With an agency's login, pushes the outbox and refreshes the stored worklist (as `sync`
    /// does); a server that cannot be reached leaves the stored list, with a warning.
    static func refresh(home: HomeOptions, connection: ConnectionOptions, store: ClientStore, logger: Logger) async throws {
        let settings = try store.syncSettings()
        guard settings.token != nil else { return }
        guard settings.role == SyncEngine.agencyRole else {
            throw CLIError(.notAllowed, "This laptop is logged in as \(settings.role ?? "another role"), not as an agency: follow-ups are listed on an agency's own laptop, with its token.")
        }
        let lock = try SyncLock(home: try home.homeURL())
        defer { withExtendedLifetime(lock) {} }
        let session = try OnlineSession(home: home, connection: connection, logger: logger)
        let engine = SyncEngine(store: store, api: session.api, options: .init(waitsForServer: connection.waitsForServer), logger: logger)
        do {
            _ = try await engine.run()
        } catch SyncError.unreachable(let error) {
            guard try store.worklist() != nil else { throw SyncError.unreachable(error) }
            Console.error("Cannot reach \(session.api.server.absoluteString) (\(error)); showing the list last fetched.")
        }
    }

    /// One follow-up with its sealed answers opened, where they open.
    struct Entry {
        var followUp: FollowUp
        /// The routing choices that asked the agency, with their labels.
        var asked: [(choice: String, label: String)]
        /// Every answer that travels with the follow-up, in form order: opened, or plain; `value`
        /// as stored (choice names), `shown` as people read it (choice labels).
        var answers: [(name: String, label: String, value: String, shown: String)]
        /// An outcome recorded on this laptop and not sent yet.
        var pending: FollowUpOutcome?
        /// Why a sealed answer did not open, by question name.
        var unopened: [(name: String, reason: String)]

        init(_ followUp: FollowUp, keyring: AgencyKeyring?, store: ClientStore, pending: FollowUpOutcome?) {
            self.followUp = followUp
            self.pending = pending
            let form = try? store.form(id: followUp.form, version: followUp.formVersion).definition()
            let routeChoices = form?.followUps.flatMap { route in
                route.agencies.compactMap { choice, _ in form?.question(named: route.question)?.choices.first { $0.name == choice } }
            } ?? []
            asked = followUp.asked.map { choice in (choice, routeChoices.first { $0.name == choice }?.label ?? choice) }
            let order = (form?.questions.map(\.name) ?? []) + followUp.answers.keys.sorted()
            var seen: Set<String> = []
            answers = []
            unopened = []
            for name in order where seen.insert(name).inserted {
                guard let value = followUp.answers[name] else { continue }
                let question = form?.question(named: name)
                let label = question.map { $0.label.isEmpty ? name : $0.label } ?? name
                guard let text = value.sealedText else {
                    answers.append((name, label, value.description, question?.display(value, in: nil) ?? value.description))
                    continue
                }
                guard let keyring else { continue }
                do {
                    guard let sealed = SealedAnswer(text: text) else { throw SealingError.cannotOpen }
                    let plain = try AnswerSealer.open(sealed, response: followUp.response, question: name, with: keyring)
                    answers.append((name, label, plain, plain))
                } catch {
                    unopened.append((name, "\(error)"))
                }
            }
        }

        /// The follow-up as people read it.
        var lines: [String] {
            let door = followUp.address
            var lines = [
                "\(followUp.response.lowercasedString)  campaign \(followUp.campaign), recorded \(followUp.recordedAt)",
                "  Where       \(door.address)\(door.postcode.map { ", \($0)" } ?? "")",
                "  Asked for   \(asked.map(\.label).joined(separator: "; "))",
            ]
            for answer in answers { lines.append("  \(answer.label): \(answer.shown)") }
            for missing in unopened { lines.append("  \(missing.name): not opened (see above)") }
            if let pending {
                lines.append("  Outcome     \(pending.outcome.rawValue)\(pending.note.map { ": \($0)" } ?? "") (recorded here, not sent yet)")
            } else if let outcome = followUp.outcome {
                lines.append("  Outcome     \(outcome.outcome.rawValue)\(outcome.note.map { ": \($0)" } ?? "")")
            } else {
                lines.append("  Outcome     none yet")
            }
            return lines
        }
    }

    /// Each distinct reason a sealed answer did not open, once, with how many answers it kept shut.
    static func reasons(_ entries: [Entry]) -> [String] {
        var counts: [(reason: String, count: Int)] = []
        for missing in entries.flatMap(\.unopened) {
            if let index = counts.firstIndex(where: { $0.reason == missing.reason }) {
                counts[index].count += 1
            } else {
                counts.append((missing.reason, 1))
            }
        }
        return counts.map { "\($0.count) answer\($0.count == 1 ? "" : "s") not opened: \($0.reason)" }
    }

    /// `followups --json`.
    struct JSON: Encodable {
        var agency: String
        var fetchedAt: String
        var followUps: [Item]

        init(agency: String, fetchedAt: String, followUps: [Entry]) {
            self.agency = agency
            self.fetchedAt = fetchedAt
            self.followUps = followUps.map(Item.init)
        }

        struct Item: Encodable {
            var response: String
            var campaign: String
            var form: String
            var formVersion: String
            var recordedAt: String
            var address: String
            var postcode: String?
            var asked: [Choice]
            var answers: [String: String]
            var unopened: [String: String]
            var outcome: RecordedOutcome?
            var pendingOutcome: Pending?

            /// An outcome recorded here and not sent yet.
            struct Pending: Encodable {
                var outcome: String
                var note: String?

                func encode(to encoder: any Encoder) throws {
                    var container = encoder.container(keyedBy: CodingKeys.self)
                    try container.encode(outcome, forKey: .outcome)
                    try container.encode(note, forKey: .note)
                }

                private enum CodingKeys: String, CodingKey { case outcome, note }
            }

            struct Choice: Encodable {
                var choice: String
                var label: String
            }

            init(_ entry: Entry) {
                let followUp = entry.followUp
                response = followUp.response.lowercasedString
                campaign = followUp.campaign
                form = followUp.form
                formVersion = followUp.formVersion
                recordedAt = followUp.recordedAt
                address = followUp.address.address
                postcode = followUp.address.postcode
                asked = entry.asked.map { Choice(choice: $0.choice, label: $0.label) }
                answers = Dictionary(entry.answers.map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
                unopened = Dictionary(entry.unopened.map { ($0.name, $0.reason) }, uniquingKeysWith: { first, _ in first })
                outcome = followUp.outcome
                pendingOutcome = entry.pending.map { Pending(outcome: $0.outcome.rawValue, note: $0.note) }
            }

            private enum CodingKeys: String, CodingKey {
                case response, campaign, form, address, postcode, asked, answers, unopened, outcome
                case pendingOutcome = "pending_outcome"
                case formVersion = "form_version", recordedAt = "recorded_at"
            }

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(response, forKey: .response)
                try container.encode(campaign, forKey: .campaign)
                try container.encode(form, forKey: .form)
                try container.encode(formVersion, forKey: .formVersion)
                try container.encode(recordedAt, forKey: .recordedAt)
                try container.encode(address, forKey: .address)
                try container.encode(postcode, forKey: .postcode)
                try container.encode(asked, forKey: .asked)
                try container.encode(answers, forKey: .answers)
                try container.encode(unopened, forKey: .unopened)
                try container.encode(outcome, forKey: .outcome)
                try container.encode(pendingOutcome, forKey: .pendingOutcome)
            }
        }

        private enum CodingKeys: String, CodingKey {
            case agency
            case fetchedAt = "fetched_at"
            case followUps = "follow_ups"
        }
    }
}

extension AnswerValue {
    /// The text of an answer that is sealed to agencies (``SealedAnswer/looksSealed(_:)``), else `nil`.
    var sealedText: String? {
        if case .text(let text) = self, SealedAnswer.looksSealed(text) { return text }
        return nil
    }
}
