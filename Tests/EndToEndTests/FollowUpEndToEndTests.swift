import DoorstepTestSupport
import Foundation
import Testing

/// Issue 18 end to end, with real processes: a resident asks the fire service and the council to
/// call back; only those agencies read the phone number, nobody else's files hold it, the fire
/// service's outcome reaches the organisers' figures, erasure and retention reach the sealed
/// answers on every device.
@Suite("Follow-ups end to end")
struct FollowUpEndToEndTests {
    /// Not the number in the form's own constraint message, so a match is the resident's.
    static let phone = "07700 900457"
    static let name = "Ann Quickly-Example"

    /// A consenting resident who asks the fire service and the council to phone back.
    static var answers: [String: Any] {
        [
        "consent": "yes", "years_at_address": "1_to_5", "safe_day": "fairly_safe", "safe_after_dark": "a_bit_unsafe",
        "problems": ["asb", "arson"], "problem_times": ["evening"], "would_report": "yes", "report_how": ["police_101"],
        "reported_before": "no", "follow_up": "yes", "follow_up_agency": ["fire_rescue", "council_asb"],
        "contact_consent": "yes", "contact_name": name, "contact_method": "phone", "contact_phone": phone,
        "contact_time": "evening", "safeguarding_concern": "no", "advice_given": ["fire_safety"],
        ]
    }

    /// The files under `path` that hold the resident's phone number (with or without spaces) or name.
    static func plaintext(in path: String) throws -> [String] {
        try FileContents.files(under: path, holding: [phone, phone.replacingOccurrences(of: " ", with: ""), name])
    }

    /// `doorstep followups --json` on an agency's laptop.
    static func worklist(_ device: Device) throws -> [[String: Any]] {
        let list = try JSON.object(try device.expect(["followups", "--json"]))
        return list["follow_ups"] as? [[String: Any]] ?? []
    }

    @Test("Only the agencies chosen read the contact details; no other copy holds them; the outcome reaches the organisers; erasure reaches the sealed answers")
    func followUpsReachTheRightAgencies() throws {
        // Given a partnership whose fire service, council and housing provider registered their keys
        let deployment = try Deployment(form: "community-safety")
        let officer = try deployment.device("officer")
        let organiser = try deployment.device("organiser", role: "organiser")
        let fire = try deployment.agencyDevice("fire")
        let council = try deployment.agencyDevice("council-asb")
        let housing = try deployment.agencyDevice("housing")
        try officer.sync()

        // When an officer records a resident asking the fire service and the council to call back
        let id = try officer.record(campaign: deployment.campaign, address: deployment.addresses[0], answers: Self.answers)
        let shown = try officer.show(id)
        let sealed = try #require(shown["sealed"] as? [String: [String]])
        #expect(Set(sealed["contact_phone"] ?? []) == ["fire", "council-asb"])
        try officer.sync()

        // Then the fire service's and the council's laptops list that resident with the phone number
        for agency in [fire, council] {
            try agency.sync()
            let list = try Self.worklist(agency)
            let entry = try #require(list.first { $0["response"] as? String == id }, "\(agency.name): \(list)")
            let answers = try #require(entry["answers"] as? [String: Any])
            #expect(answers["contact_phone"] as? String == Self.phone)
            #expect(answers["contact_name"] as? String == Self.name)
            #expect(answers["contact_time"] as? String == "evening")
            #expect(answers["safe_day"] == nil, "the agency gets the routed answers only")
        }
        // And the housing provider's does not
        try housing.sync()
        #expect(try Self.worklist(housing).isEmpty)

        // And no other copy holds them in clear: the officer's laptop, the server's files, an
        // organiser's laptop and export, a viewer's report
        try organiser.sync()
        let exportCSV = deployment.data.url.appendingPathComponent("export.csv").path
        let exportJSON = deployment.data.url.appendingPathComponent("export.json").path
        try organiser.expect(["export", "--campaign", deployment.campaign, "--format", "csv", "--output", exportCSV])
        try organiser.expect(["export", "--campaign", deployment.campaign, "--format", "json", "--output", exportJSON])
        #expect(try String(contentsOfFile: exportCSV, encoding: .utf8).contains("sealed1:"))
        try Deployment.admin(["campaigns", "publish", "--data", deployment.data.path, deployment.campaign])
        let viewer = try deployment.device("viewer", role: "viewer")
        let report = officer.home.url.appendingPathComponent("viewer-report.html").path
        try viewer.expect(["report", "--campaign", deployment.campaign, "--output", report])
        for place in [officer.home.path, organiser.home.path, exportCSV, exportJSON, report]
            + (TestStore.isPostgres ? [] : [deployment.data.path]) {
            #expect(try Self.plaintext(in: place).isEmpty, "\(place) holds the resident's contact details")
        }

        // When the fire service records that it made contact
        try fire.expect(["followups", "outcome", String(id.prefix(8)), "--outcome", "contacted", "--note", "Visit booked for Tuesday"])
        try fire.sync()

        // Then the organisers' figures count it, without the note
        let figures = try JSON.object(try organiser.expect([
            "export", "--campaign", deployment.campaign, "--aggregate", "--format", "json",
        ]))
        let completion = try #require(figures["follow_up_completion"] as? [[String: Any]])
        let byAgency = Dictionary(uniqueKeysWithValues: completion.map { ($0["agency"] as? String ?? "", $0) })
        #expect((byAgency["fire"]?["outcomes"] as? [String: Int])?["contacted"] == 1)
        #expect((byAgency["council-asb"]?["outcomes"] as? [String: Int])?["none"] == 1)
        #expect(!String(describing: figures).contains("Visit booked"))
        #expect(try Self.worklist(fire).first?["outcome"].flatMap { $0 as? [String: Any] }?["outcome"] as? String == "contacted")

        // When the resident withdraws consent, then the sealed answers leave the server and the agencies' lists
        try officer.expect(["erase", id])
        try officer.sync()
        for agency in [fire, council] {
            try agency.sync()
            let entry = try Self.worklist(agency).first { $0["response"] as? String == id }
            let answers = entry?["answers"] as? [String: Any] ?? [:]
            #expect(answers["contact_phone"] == nil, "\(agency.name) still lists the phone after the erasure")
        }
        try organiser.sync()
        let erased = try #require(try organiser.show(id)["answers"] as? [String: Any])
        #expect(erased["contact_phone"] == nil)
    }

    static let shortForm = """
        id: call-back
        version: 1
        title: Call-back
        follow_ups:
          - question: call_back
            agencies: {fire_rescue: fire}
            sealed: [phone]
        questions:
          - {name: call_back, type: select_one who, label: Who should call you back?, required: true}
          - {name: phone, type: text, label: Phone, sensitive: true, required: true, retention: 1 minute}
          - {name: rating, type: integer, label: How would you rate the street lighting?}
        choices:
          who:
            - {name: fire_rescue, label: Fire and rescue}
        """

    @Test("A sealed answer kept one minute is purged on the server, from the officer's and the organiser's laptops, and the fire service's list says so")
    func retentionReachesSealedAnswers() throws {
        let deployment = try Deployment(serverArguments: ["--purge-interval", "2"])
        try deployment.addOneDoorCampaign("lamp-lane", name: "Lamp Lane", form: "call-back", formYAML: Self.shortForm)
        let officer = try deployment.device("officer")
        let organiser = try deployment.device("organiser", role: "organiser")
        let fire = try deployment.agencyDevice("fire")
        try officer.sync()
        let id = try officer.record(campaign: "lamp-lane", address: "R1", answers: ["call_back": "fire_rescue", "phone": Self.phone, "rating": 3])
        try officer.sync()
        try organiser.sync()
        try fire.sync()
        let before = try #require(try Self.worklist(fire).first)
        #expect((before["answers"] as? [String: Any])?["phone"] as? String == Self.phone)

        // Once the minute is over, the server purges the sealed answer; every laptop drops it at its next sync
        Thread.sleep(forTimeInterval: 65)
        var shown: [String: Any] = [:]
        for _ in 0..<30 {
            try officer.sync()
            shown = try officer.show(id)
            if shown["erased"] as? String == "expired" { break }
            Thread.sleep(forTimeInterval: 1)
        }
        #expect(shown["erased"] as? String == "expired")
        try organiser.sync()
        for device in [officer, organiser] {
            let answers = try #require(try device.show(id)["answers"] as? [String: Any])
            #expect(answers["phone"] == nil)
            #expect(answers["rating"] as? Int == 3)
            #expect(try Self.plaintext(in: device.home.path).isEmpty)
        }
        try fire.sync()
        let after = try #require(try Self.worklist(fire).first)
        #expect((after["answers"] as? [String: Any])?["phone"] == nil)
        #expect((after["outcome"] as? [String: Any])?["outcome"] as? String == "purged")
    }
}
