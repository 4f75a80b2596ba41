import DoorstepStore
import DoorstepTestSupport
import DoorstepWire
import Foundation
import GRDB
import Testing

/// Contact details sealed at the door to the agencies the resident chose, and the agencies' keys:
/// real `doorstep` processes on real stores.
@Suite("Sealed answers on the laptop and agencies' keys")
struct SealedAnswersCLITests {
    static let passphrase = "correct horse battery"
    /// Not the form's own example number (its constraint message holds that one).
    static let phone = "07700 900987"
    static let environment = ["DOORSTEP_KEY_PASSPHRASE": passphrase]

    /// A resident who asks for a fire visit and a council call-back by phone.
    static let answers = """
        {"consent": "yes", "safe_day": "fairly_safe", "safe_after_dark": "a_bit_unsafe", "problems": ["asb"],
         "would_report": "yes", "follow_up": "yes", "follow_up_agency": ["fire_rescue", "council_asb"],
         "contact_consent": "yes", "contact_name": "Jane Example", "contact_method": "phone",
         "contact_phone": "\(phone)", "contact_time": "evening", "safeguarding_concern": "no"}
        """

    /// A home with the community-safety form and campaign `west`; with `keys`, the agencies'
    /// key files made (in the fixture's folder) and their public keys added.
    static func fixture(keys: [String] = ["fire", "council-asb"]) throws -> CLIFixture {
        let fixture = try CLIFixture(empty: true)
        let csv = try fixture.directory.write(walkListCSV, to: "walk.csv")
        try fixture.expectSuccess(["forms", "add", BuiltProducts.sampleForm("community-safety.yaml").path])
        try fixture.expectSuccess(["campaigns", "add", "--id", "west", "--name", "West End day", "--form", "community-safety",
                                   "--addresses", csv, "--date", "2025-11-22"])
        for agency in keys {
            let key = fixture.directory.appending("\(agency).key").path
            let made = try fixture.run(["keys", "generate", "--agency", agency, "--output", key], environment: environment)
            #expect(made.status == 0, "\(made.stderr)")
            try fixture.expectSuccess(["agencies", "add", fixture.directory.appending("\(agency).pub").path])
        }
        return fixture
    }

    /// A home with the call-back form (``callBackForm``) and campaign `west`.
    static func callBackFixture() throws -> CLIFixture {
        let fixture = try CLIFixture(empty: true)
        let form = try fixture.directory.write(callBackForm, to: "callback.yaml")
        let csv = try fixture.directory.write(walkListCSV, to: "walk.csv")
        try fixture.expectSuccess(["forms", "add", form])
        try fixture.expectSuccess(["campaigns", "add", "--id", "west", "--name", "West End day", "--form", "callback",
                                   "--addresses", csv, "--date", "2025-11-22"])
        return fixture
    }

    /// The bytes of the store's files (database, log and shared memory).
    static func storeBytes(_ fixture: CLIFixture) -> Data {
        var bytes = Data()
        for suffix in ["", "-wal", "-shm"] {
            bytes.append(FileManager.default.contents(atPath: fixture.home + "/doorstep.sqlite" + suffix) ?? Data())
        }
        return bytes
    }

    static func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    @Test("keys generate writes a 0600 key file and a .pub; show, rotate, a wrong passphrase, an existing file, no passphrase without a terminal")
    func keys() throws {
        let fixture = try CLIFixture(empty: true)
        defer { fixture.remove() }
        let key = fixture.directory.appending("fire.key").path
        let pub = fixture.directory.appending("fire.pub").path

        let noPassphrase = try fixture.run(["keys", "generate", "--agency", "fire", "--output", key], input: "")
        #expect(noPassphrase.status == 64)
        #expect(noPassphrase.stderr.contains("DOORSTEP_KEY_PASSPHRASE"))
        #expect(!FileManager.default.fileExists(atPath: key))

        let made = try fixture.run(["keys", "generate", "--agency", "fire", "--output", key], environment: Self.environment)
        #expect(made.status == 0, "\(made.stderr)")
        #expect(made.stdout.contains(key) && made.stdout.contains(pub) && made.stdout.contains("Back the key file up"))
        #expect(try Self.mode(key) == 0o600)
        let publicText = try String(contentsOfFile: pub, encoding: .utf8)
        #expect(publicText.hasPrefix("doorstep-agency-public-key 1 fire "))
        let firstID = publicText.split(separator: " ")[3]
        #expect(made.stdout.contains(String(firstID)))
        #expect(!(try String(contentsOfFile: key, encoding: .utf8)).contains(Self.passphrase))

        let again = try fixture.run(["keys", "generate", "--agency", "fire", "--output", key], environment: Self.environment)
        #expect(again.status == 64)
        #expect(again.stderr.contains("already exists"))

        let wrong = try fixture.run(["keys", "rotate", "--key", key], environment: ["DOORSTEP_KEY_PASSPHRASE": "not the passphrase"])
        #expect(wrong.status == 64)
        #expect(wrong.stderr.contains("The passphrase does not unlock the key file."))

        let file = try fixture.directory.write(Self.passphrase + "\n", to: "passphrase.txt")
        let rotated = try fixture.run(["keys", "rotate", "--key", key, "--passphrase-file", file])
        #expect(rotated.status == 0, "\(rotated.stderr)")
        let newID = try String(contentsOfFile: pub, encoding: .utf8).split(separator: " ")[3]
        #expect(newID != firstID)
        #expect(try Self.mode(key) == 0o600)

        // Without a passphrase: both keys, the newest first.
        let shown = try fixture.run(["keys", "show", "--key", key], input: "")
        #expect(shown.status == 0, "\(shown.stderr)")
        let newAt = try #require(shown.stdout.range(of: String(newID)))
        let oldAt = try #require(shown.stdout.range(of: String(firstID)))
        #expect(newAt.lowerBound < oldAt.lowerBound)

        let weak = try fixture.run(["keys", "generate", "--agency", "housing", "--output", fixture.directory.appending("h.key").path],
                                   environment: ["DOORSTEP_KEY_PASSPHRASE": "short"])
        #expect(weak.status == 64)
        #expect(weak.stderr.contains("at least 12 characters"))
    }

    @Test("Without --output or --key the key file is the Doorstep home's: generate writes it there, show and rotate find it; two there need --key")
    func keysInTheHome() throws {
        let fixture = try CLIFixture(empty: true)
        defer { fixture.remove() }
        let made = try fixture.run(["keys", "generate", "--agency", "fire"], environment: Self.environment)
        #expect(made.status == 0, "\(made.stderr)")
        let key = fixture.home + "/fire.key"
        #expect(made.stdout.contains(key) && made.stdout.contains(fixture.home + "/fire.pub"))
        #expect(try Self.mode(key) == 0o600)
        #expect(try Self.mode(fixture.home) == 0o700)

        let shown = try fixture.run(["keys", "show"], input: "")
        #expect(shown.status == 0 && shown.stdout.contains("Agency fire"), "\(shown.stderr)")
        let rotated = try fixture.run(["keys", "rotate"], environment: Self.environment)
        #expect(rotated.status == 0 && rotated.stdout.contains("\(key) (2 keys"), "\(rotated.stderr)")

        #expect(try fixture.run(["keys", "generate", "--agency", "housing"], environment: Self.environment).status == 0)
        let several = try fixture.run(["keys", "show"], input: "")
        #expect(several.status == 64)
        #expect(several.stderr.contains("several key files (fire.key, housing.key)"), "\(several.stderr)")
        let empty = fixture.directory.appending("empty").path
        let none = try fixture.run(["keys", "show"], input: "", environment: ["DOORSTEP_HOME": empty])
        #expect(none.status == 64)
        #expect(none.stderr.contains("There is no key file in"), "\(none.stderr)")
        // Refused for want of a passphrase: no home made either.
        #expect(try fixture.run(["keys", "generate", "--agency", "fire"], input: "", environment: ["DOORSTEP_HOME": empty]).status == 64)
        #expect(!FileManager.default.fileExists(atPath: empty))
    }

    @Test("record --answers seals the phone number to the agencies chosen; show says so, and no store file holds it")
    func recordSealed() throws {
        let fixture = try Self.fixture()
        defer { fixture.remove() }
        let agencies = try #require(try fixture.json(["agencies", "--json"]) as? [[String: Any]])
        #expect(agencies.compactMap { $0["agency"] as? String } == ["council-asb", "fire"])

        let id = try fixture.record(Self.answers)
        let shown = try fixture.expectSuccess(["show", String(id.prefix(8))])
        #expect(shown.contains("sealed to council-asb, fire"))
        #expect(!shown.contains("sealed1:"))
        #expect(!shown.contains(Self.phone) && !shown.contains("Jane Example"))
        let json = try #require(try fixture.json(["show", id, "--json"]) as? [String: Any])
        let sealed = try #require(json["sealed"] as? [String: [String]])
        #expect(Set(sealed.keys) == ["contact_name", "contact_phone"])
        #expect(Set(sealed["contact_phone"] ?? []) == ["fire", "council-asb"])
        let answers = try #require(json["answers"] as? [String: Any])
        #expect((answers["contact_phone"] as? String)?.hasPrefix("sealed1:") == true)
        #expect(answers["contact_time"] as? String == "evening")

        #expect(!Self.storeBytes(fixture).contains(Data(Self.phone.utf8)))
        #expect(!Self.storeBytes(fixture).contains(Data("Jane Example".utf8)))
        #expect(try Self.mode(fixture.home) == 0o700)
        #expect(try Self.mode(fixture.home + "/doorstep.sqlite") == 0o600)
    }

    @Test("An agency with no key on this laptop: exit 65 naming the answer and the agency, and nothing stored")
    func missingKey() throws {
        let fixture = try Self.fixture(keys: ["fire"])
        defer { fixture.remove() }
        let refused = try fixture.run(["record", "--campaign", "west", "--address", "a1", "--answers", "-"], input: Self.answers)
        #expect(refused.status == 65)
        #expect(refused.stderr.contains("contact_name"))
        #expect(refused.stderr.contains("agency council-asb"))
        #expect(refused.stderr.contains("doorstep sync"))
        #expect(try fixture.count("responses") == 0)
        #expect(try fixture.count("outbox") == 0)
    }

    @Test("edit seals a corrected phone number again; a change of agencies needs the sealed answers entered again")
    func editReseals() throws {
        let fixture = try Self.fixture(keys: ["fire", "council-asb", "housing"])
        defer { fixture.remove() }
        let id = try fixture.record(Self.answers)
        let before = try #require(try fixture.answers(id)["contact_phone"] as? String)

        try fixture.expectSuccess(["edit", id, "--set", "contact_phone=07700 900456"])
        let after = try #require(try fixture.answers(id)["contact_phone"] as? String)
        #expect(after.hasPrefix("sealed1:") && after != before)
        #expect(!Self.storeBytes(fixture).contains(Data("07700 900456".utf8)))

        let routed = try fixture.run(["edit", id, "--set", "follow_up_agency=housing"])
        #expect(routed.status == 65)
        #expect(routed.stderr.contains("contact_name") && routed.stderr.contains("contact_phone"))
        #expect(routed.stderr.contains("enter it again so that it is sealed to housing"))
        #expect(try fixture.answers(id)["contact_phone"] as? String == after)

        try fixture.expectSuccess(["edit", id, "--set", "follow_up_agency=housing", "--set", "contact_name=Jane Example",
                                   "--set", "contact_phone=07700 900456"])
        let json = try #require(try fixture.json(["show", id, "--json"]) as? [String: Any])
        #expect(json["sealed"] as? [String: [String]] == ["contact_name": ["housing"], "contact_phone": ["housing"]])

        // A phone number for a resident who asked to be e-mailed no longer applies: cleared, never kept plain.
        try fixture.expectSuccess(["edit", id, "--set", "contact_method=email", "--set", "contact_email=jane@example.org",
                                   "--set", "contact_phone=07700 900111"])
        let emailed = try #require(try fixture.json(["show", id, "--json"]) as? [String: Any])
        #expect(emailed["sealed"] as? [String: [String]] == ["contact_email": ["housing"], "contact_name": ["housing"]])
        #expect(!Self.storeBytes(fixture).contains(Data("07700 900111".utf8)))
        #expect(!Self.storeBytes(fixture).contains(Data("jane@example.org".utf8)))

        let invalid = try fixture.run(["edit", id, "--set", "contact_method=phone", "--set", "contact_phone=not a phone"])
        #expect(invalid.status == 65)
        #expect(invalid.stderr.contains("Enter a UK phone number"))
    }

    @Test("The questionnaire on a terminal: the review shows the phone number typed, the store keeps it sealed, the draft is gone from the files")
    func questionnaire() throws {
        let fixture = try Self.callBackFixture()
        defer { fixture.remove() }
        let key = fixture.directory.appending("fire.key").path
        #expect(try fixture.run(["keys", "generate", "--agency", "fire", "--output", key], environment: Self.environment).status == 0)
        try fixture.expectSuccess(["agencies", "add", fixture.directory.appending("fire.pub").path, "--name", "Fire and Rescue"])

        let environment = ["DOORSTEP_HOME": fixture.home, "NO_COLOR": "1"]
        let terminal = try PseudoTerminal(BuiltProducts.executable("doorstep"), ["record", "a1"], environment: environment, columns: 80)
        try terminal.expect("Who should call back?")
        try terminal.expect("> ")
        terminal.type("1")
        try terminal.expect("Phone number")
        try terminal.expect("> ")
        terminal.type(Self.phone)
        let review = try terminal.expect("q stops and keeps the")
        #expect(review.contains(Self.phone))
        // Before saving, the draft holds the plain answer, in a file only this account can read.
        #expect(try fixture.count("drafts") == 1)
        #expect(Self.storeBytes(fixture).contains(Data(Self.phone.utf8)))
        #expect(try Self.mode(fixture.home) == 0o700)
        for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: fixture.home + "/doorstep.sqlite" + suffix) {
            #expect(try Self.mode(fixture.home + "/doorstep.sqlite" + suffix) == 0o600)
        }
        try terminal.expect("> ")
        terminal.type("")
        try terminal.expect("Saved.")
        #expect(try terminal.waitForExit() == 0)

        #expect(try fixture.count("drafts") == 0)
        let responses = try #require(try fixture.json(["responses", "--json"]) as? [[String: Any]])
        let id = try #require(responses.first?["id"] as? String)
        #expect(try fixture.expectSuccess(["show", id]).contains("sealed to fire"))
        #expect(!Self.storeBytes(fixture).contains(Data(Self.phone.utf8)))
    }

    @Test("The questionnaire with no key for the agency chosen: not saved, said before saving, and the draft kept to resume")
    func questionnaireWithoutKey() throws {
        let fixture = try Self.callBackFixture()
        defer { fixture.remove() }
        let environment = ["DOORSTEP_HOME": fixture.home, "NO_COLOR": "1"]
        let terminal = try PseudoTerminal(BuiltProducts.executable("doorstep"), ["record", "a1"], environment: environment, columns: 200)
        try terminal.expect("> ")
        terminal.type("1")
        try terminal.expect("Phone number")
        try terminal.expect("> ")
        terminal.type(Self.phone)
        try terminal.expect("q stops and keeps the draft.")
        try terminal.expect("> ")
        terminal.type("")
        #expect(try terminal.waitForExit() == 65)
        let said = try terminal.expect("--resume saves it then.")
        #expect(said.contains("Not saved: phone (Phone number) must be sealed to agency fire, which has no public key on this laptop"))
        #expect(try fixture.count("responses") == 0)
        #expect(try fixture.count("drafts") == 1)
    }

    @Test("An agency's worklist read offline: sealed answers open with its key, one that does not says why once, outcomes queue")
    func worklist() throws {
        let fixture = try Self.fixture()
        defer { fixture.remove() }
        let id = try fixture.record(Self.answers)
        let answers = try fixture.answers(id)
        let name = try #require(answers["contact_name"] as? String)
        let phone = try #require(answers["contact_phone"] as? String)

        // The fire agency's laptop keeps the list as the server sends it (GET /v1/followups).
        let agencyHome = fixture.directory.appending("fire-home")
        let body = """
            {"agency": "fire", "follow_ups": [
              {"response": "\(id)", "campaign": "west", "form": "community-safety", "form_version": "1",
               "recorded_at": "2025-11-22T10:00:00Z", "address": {"id": "a1", "address": "1 Oak Street", "postcode": "LS1 1AA"},
               "asked": ["fire_rescue"],
               "answers": {"contact_name": "\(name)", "contact_phone": "\(phone)", "contact_method": "phone", "contact_time": "evening"},
               "outcome": null},
              {"response": "\(UUID().uuidString.lowercased())", "campaign": "west", "form": "community-safety", "form_version": "1",
               "recorded_at": "2025-11-22T11:00:00Z", "address": {"id": "a2", "address": "Flat 2, 2 Oak Street"},
               "asked": ["fire_rescue"], "answers": {"contact_name": "\(name)", "contact_phone": "\(phone)", "contact_method": "phone"},
               "outcome": {"outcome": "no-reply", "note": "Tried twice", "stamp": "0001764000000000-0000-fire-laptop"}}
            ]}
            """
        let list = try JSONDecoder().decode(FollowUpList.self, from: Data(body.utf8))
        #expect(list.followUps.count == 2 && list.followUps[1].outcome?.outcome == .noReply)
        try ClientStore(home: agencyHome).saveWorklist(list)
        _ = try ProcessRunner.doorstep(["forms", "add", BuiltProducts.sampleForm("community-safety.yaml").path],
                                   environment: ["DOORSTEP_HOME": agencyHome.path], timeout: 60)
        let agency = ["DOORSTEP_HOME": agencyHome.path, "DOORSTEP_KEY_PASSPHRASE": Self.passphrase]
        let key = fixture.directory.appending("fire.key").path

        let noKey = try fixture.run(["followups"], environment: agency)
        #expect(noKey.status == 64)
        #expect(noKey.stderr.contains("There is no fire.key in \(agencyHome.path)") && noKey.stderr.contains("--key"), "\(noKey.stderr)")

        let listed = try fixture.run(["followups", "--key", key], environment: agency)
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("1 Oak Street, LS1 1AA"))
        #expect(listed.stdout.contains(Self.phone) && listed.stdout.contains("Jane Example"))
        #expect(listed.stdout.contains("Fire and rescue"))
        #expect(listed.stdout.contains("no-reply: Tried twice"))
        // The second follow-up carries answers sealed for another response: they do not open, said once.
        let reasons = listed.stderr.split(separator: "\n").filter { $0.contains("not opened") }
        #expect(reasons.count == 1 && reasons[0].hasPrefix("2 answers not opened"), "\(listed.stderr)")

        let json = try #require(try JSONSerialization.jsonObject(
            with: Data(try fixture.run(["followups", "--key", key, "--json"], environment: agency).stdout.utf8)
        ) as? [String: Any])
        let first = try #require((json["follow_ups"] as? [[String: Any]])?.first)
        #expect((first["answers"] as? [String: String])?["contact_phone"] == Self.phone)

        // Without --key: the agency's key file in its Doorstep home.
        try FileManager.default.copyItem(atPath: key, toPath: agencyHome.appendingPathComponent("fire.key").path)
        let fromHome = try fixture.run(["followups"], environment: agency)
        #expect(fromHome.status == 0 && fromHome.stdout.contains(Self.phone), "\(fromHome.stderr)")

        let council = try fixture.run(["followups", "--key", fixture.directory.appending("council-asb.key").path], environment: agency)
        #expect(council.status == 64)
        #expect(council.stderr.contains("not of fire"))

        let recorded = try fixture.run(["followups", "outcome", String(id.prefix(8)), "--outcome", "contacted", "--note", "Visit booked"],
                                       environment: agency)
        #expect(recorded.status == 0, "\(recorded.stderr)")
        let pending = try fixture.run(["followups", "--key", key], environment: agency)
        #expect(pending.stdout.contains("contacted: Visit booked (recorded here, not sent yet)"))
        let queue = try DatabaseQueue(path: agencyHome.appendingPathComponent("doorstep.sqlite").path)
        let kinds = try queue.read { db in try String.fetchAll(db, sql: "SELECT kind FROM outbox") }
        #expect(kinds == ["followup.outcome"])
    }

    /// A one-page form that routes a call-back to the fire agency, with the phone number sealed.
    static let callBackForm = """
        id: callback
        version: 1
        title: Call-back
        follow_ups:
          - question: agency
            agencies:
              fire_rescue: fire
            sealed: [phone]
        questions:
          - name: agency
            type: select_one agency
            label: Who should call back?
            required: true
          - name: phone
            type: text
            label: Phone number
            sensitive: true
            required: true
        choices:
          agency:
            - name: fire_rescue
              label: Fire and rescue
        """
}
