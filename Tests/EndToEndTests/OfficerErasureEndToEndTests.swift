import DoorstepTestSupport
import Foundation
import Testing

/// `doorstep erase` on a laptop: the erasure leaves that laptop at once, and the server, the
/// organiser's laptop and the exports at the next syncs.
@Suite("Officer erasure end to end")
struct OfficerErasureEndToEndTests {
    /// Whether JSON `text` holds the string `value` (a JSON writer may escape its slashes).
    private func holds(_ text: String, _ value: String) -> Bool {
        text.contains(value) || text.contains(value.replacingOccurrences(of: "/", with: "\\/"))
    }

    /// The answers of `show ID --json`.
    private func answers(_ device: Device, _ id: String) throws -> [String: Any] {
        try #require(try device.show(id)["answers"] as? [String: Any])
    }

    @Test("An officer erases a resident's contact details; they leave the organiser's laptop and the server's exports")
    func officerErasesContactDetails() throws {
        // Given a response with a resident's name and phone, synced to the organiser
        let deployment = try Deployment()
        let officer = try deployment.device("officer")
        let organiser = try deployment.device("organiser", role: "organiser")
        try officer.sync()
        let id = try officer.record(campaign: deployment.campaign, address: deployment.addresses[3], answers: SampleAnswers.wantsVisit(name: "Edna Example"))
        try officer.sync()
        try organiser.sync()
        // Sealed at the door to the fire service, the only agency that can read them
        let sealedName = try #require(try answers(organiser, id)["visit_name"] as? String)
        #expect(sealedName.hasPrefix("sealed1:fire."))
        #expect((try answers(organiser, id)["visit_phone"] as? String)?.hasPrefix("sealed1:fire.") == true)
        let before = try organiser.expect(["export", "--campaign", deployment.campaign, "--format", "json"])
        #expect(holds(before, sealedName) && !before.contains("Edna Example"))

        // When the resident withdraws consent and the officer erases the personal answers
        let erased = try officer.run(["erase", id, "--reason", "withdrew consent"])
        #expect(erased.status == 0, "\(erased.stderr)")
        #expect(erased.stdout.contains("visit_name, visit_phone"), "\(erased.stdout)")
        #expect(erased.stdout.contains("next sync"), "\(erased.stdout)")
        #expect(try answers(officer, id)["visit_name"] == nil)
        let summary = try officer.sync()
        #expect(summary["pushed"] as? Int == 1)
        #expect((summary["rejected"] as? [Any])?.isEmpty == true)

        // Then the organiser's laptop drops them at its next sync and keeps the other answers
        try organiser.sync()
        for device in [officer, organiser] {
            let shown = try device.show(id)
            let kept = try #require(shown["answers"] as? [String: Any])
            #expect(kept["visit_name"] == nil)
            #expect(kept["visit_phone"] == nil)
            #expect(kept["occupants"] as? Int == 1)
            #expect(kept["visit_wanted"] as? String == "yes")
            #expect(shown["erased"] as? String == "sensitive")
        }

        // And the server's exports no longer hold them
        for format in ["json", "csv"] {
            let export = try organiser.expect(["export", "--campaign", deployment.campaign, "--format", format])
            #expect(export.lowercased().contains(id.lowercased()))
            #expect(!export.contains("Edna Example"), "\(format) export: \(export)")
            #expect(!export.contains("960123"), "\(format) export: \(export)")
            #expect(!holds(export, sealedName), "\(format) export still holds the sealed name")
        }
    }

    @Test(
        "Erasing the resident's answers keeps the officer's safeguarding record: on the laptop, the server and the organiser's laptop",
        arguments: [false, true]
    )
    func officersRecordIsKept(erasedBeforeFirstSync: Bool) throws {
        // Given a response with a resident's contact details and a concern about a third party
        let deployment = try Deployment()
        let officer = try deployment.device("officer")
        let organiser = try deployment.device("organiser", role: "organiser")
        try officer.sync()
        let concern = "Grandson seen taking her bank card; she seems afraid of him"
        let id = try officer.record(
            campaign: deployment.campaign, address: deployment.addresses[4],
            answers: SampleAnswers.wantsVisitWithConcern(name: "Edna Example", concern: concern)
        )
        if !erasedBeforeFirstSync { try officer.sync() }

        // When the resident withdraws consent
        let erased = try officer.run(["erase", id, "--reason", "withdrew consent"])

        // Then the erase says what it removed and what it kept, and why
        #expect(erased.status == 0, "\(erased.stderr)")
        #expect(erased.stdout.contains("Erased the personal answers (visit_name, visit_phone) of response \(id) "), "\(erased.stdout)")
        #expect(erased.stdout.contains("Kept safeguarding_details (the officer's record: on_withdrawal: keep)."), "\(erased.stdout)")
        // The officer's record is sealed to the safeguarding team; it stays, sealed
        let sealedRecord = try #require(try answers(officer, id)["safeguarding_details"] as? String)
        #expect(sealedRecord.hasPrefix("sealed1:safeguarding."))
        #expect(try answers(officer, id)["visit_name"] == nil)

        // The officer may still correct their own record, but not write the resident's answers again
        let corrected = concern + " Referred to adult social care."
        try officer.expect(["edit", id, "--set", "safeguarding_details=\(corrected)"])
        #expect(try officer.run(["edit", id, "--set", "visit_name=Edna"]).status == 65)

        // And after the syncs the officer's record is on the server and the organiser's laptop, the resident's answers nowhere
        let summary = try officer.sync()
        #expect((summary["rejected"] as? [Any])?.isEmpty == true, "\(summary)")
        try organiser.sync()
        let correctedRecord = try #require(try answers(officer, id)["safeguarding_details"] as? String)
        #expect(correctedRecord.hasPrefix("sealed1:safeguarding.") && correctedRecord != sealedRecord, "the correction is sealed anew")
        for device in [officer, organiser] {
            let shown = try device.show(id)
            let kept = try #require(shown["answers"] as? [String: Any])
            #expect(kept["safeguarding_details"] as? String == correctedRecord, "\(device.name)")
            #expect(kept["safeguarding_concern"] as? String == "yes")
            #expect(kept["visit_name"] == nil)
            #expect(kept["visit_phone"] == nil)
            #expect(shown["erased"] as? String == "sensitive")
        }
        let export = try organiser.expect(["export", "--campaign", deployment.campaign, "--format", "json"])
        #expect(holds(export, correctedRecord))
        #expect(!export.contains(corrected) && !export.contains("Edna Example"))

        // An organiser may still erase the whole response: that removes the record too
        try organiser.expect(["erase", String(id.prefix(8)), "--all"])
        try organiser.sync()
        try officer.sync()
        #expect((try officer.show(id)["answers"] as? [String: Any])?.isEmpty == true)
        #expect(!(try organiser.expect(["export", "--campaign", deployment.campaign, "--format", "json"])).contains(concern))
    }

    @Test("erase refuses an unknown or already erased response (65); --all then erases the whole response everywhere")
    func refusalsAndWholeErasure() throws {
        let deployment = try Deployment()
        let officer = try deployment.device("officer")
        let organiser = try deployment.device("organiser", role: "organiser")
        try officer.sync()
        let id = try officer.record(campaign: deployment.campaign, address: deployment.addresses[0], answers: SampleAnswers.wantsVisit(name: "Edna Example"))
        try officer.sync()

        // Refusals: not an id (64), unknown (65), erased already (65); nothing is queued
        #expect(try officer.run(["erase", "not-an-id"]).status == 64)
        let unknown = try officer.run(["erase", UUID().uuidString])
        #expect(unknown.status == 65)
        #expect(unknown.stderr.contains("There is no response"), "\(unknown.stderr)")
        try officer.expect(["erase", id])
        let again = try officer.run(["erase", id])
        #expect(again.status == 65)
        #expect(again.stderr.contains("already erased"), "\(again.stderr)")
        #expect(try JSON.object(try officer.expect(["status", "--json"]))["pending"] as? Int == 1)

        // The organiser erases the whole response from their laptop
        try officer.sync()
        try organiser.sync()
        let whole = try organiser.expect(["--home", organiser.home.path, "erase", id, "--all"])
        #expect(whole.contains("every answer"), "\(whole)")
        try organiser.sync()
        try officer.sync()
        for device in [officer, organiser] {
            let shown = try device.show(id)
            #expect(shown["erased"] as? String == "all")
            #expect((shown["answers"] as? [String: Any])?.isEmpty == true)
        }
        let export = try organiser.expect(["export", "--campaign", deployment.campaign, "--format", "json"])
        #expect(!export.lowercased().contains(id.lowercased()), "\(export)")
    }
}
