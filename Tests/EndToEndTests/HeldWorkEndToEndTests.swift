import DoorstepTestSupport
import Foundation
import Testing

/// Work the server cannot take yet is held and delivered later; work it refuses for good is
/// rejected and kept until a person discards it. Neither is ever shown as synced.
@Suite("Held and rejected work (real binaries)")
struct HeldWorkEndToEndTests {
    /// An officer's laptop that worked standalone on campaign `campaign` with the sample form.
    static func standaloneLaptop(_ deployment: Deployment, campaign: String, walkList: String) throws -> Device {
        let laptop = try Device(name: "standalone")
        try laptop.expect(["forms", "add", BuiltProducts.sampleForm("safe-and-well.yaml").path])
        // The partnership's agencies' public keys, so that personal answers are sealed at the door.
        for agency in deployment.agencyKeys.keys.sorted() {
            try laptop.expect(["agencies", "add", deployment.data.path + "/\(agency).pub"])
        }
        let list = try laptop.home.write(walkList, to: "walk.csv")
        try laptop.expect(["campaigns", "add", "--id", campaign, "--name", "Standalone day", "--form", deployment.form, "--addresses", list])
        return laptop
    }

    @Test("Standalone work for a campaign the server lacks is held (exit 75), then delivered once it exists, with no other command")
    func standaloneThenLogin() throws {
        let deployment = try Deployment()
        let campaign = "west-end-2025-11"
        let laptop = try Self.standaloneLaptop(deployment, campaign: campaign, walkList: "id,address,street\nWE-001,1 Albion Street,Albion Street\nWE-002,2 Albion Street,Albion Street\nWE-003,3 Albion Street,Albion Street\n")
        var concern = SampleAnswers.declined
        concern["safeguarding_concern"] = "yes"
        concern["safeguarding_details"] = "Child alone late at night"
        let ids = [
            try laptop.record(campaign: campaign, address: "WE-001", answers: concern),
            try laptop.record(campaign: campaign, address: "WE-002", answers: SampleAnswers.consenting()),
        ]
        try laptop.expect(["visit", "--campaign", campaign, "--address", "WE-003", "--outcome", "no-answer"])

        // Login warns about the campaign the server does not know.
        let token = try deployment.token("collector", name: "officer")
        let login = try laptop.run(["login", "--server", deployment.url, "--token", token])
        #expect(login.status == 0)
        #expect(login.stderr.contains("does not know campaign \(campaign)"), "\(login.stderr)")

        // The sync holds everything: exit 75, never "synced".
        let held = try laptop.run(["sync", "--json", "--retry-max-time", "10"])
        #expect(held.status == 75, "\(held.stderr)")
        #expect(held.stderr.contains("Safeguarding concern NOT delivered"), "\(held.stderr)")
        let summary = try JSON.object(held.stdout)
        #expect(summary["pushed"] as? Int == 0)
        #expect((summary["held"] as? [Any])?.count == 5)
        for response in try laptop.responses(campaign: campaign) {
            #expect(response["sync"] as? String == "held")
            #expect((response["sync_reason"] as? String)?.contains(campaign) == true)
        }
        let status = try JSON.object(try laptop.run(["status", "--json"]).stdout)
        #expect(status["held"] as? Int == 5)
        #expect(status["pending"] as? Int == 0)
        #expect(status["rejected"] as? Int == 0)
        // Held again on the next sync, still exit 75.
        #expect(try laptop.run(["sync", "--retry-max-time", "10"]).status == 75)

        // The organiser creates the campaign; the next plain sync delivers everything, once.
        let walk = try deployment.data.write("id,address,street\nWE-001,1 Albion Street,Albion Street\nWE-002,2 Albion Street,Albion Street\nWE-003,3 Albion Street,Albion Street\n", to: "late.csv")
        try Deployment.admin(["campaigns", "create", "--data", deployment.data.path, "--id", campaign, "--name", "West End", "--form", deployment.form, "--addresses", walk])
        let delivered = try laptop.sync()
        #expect(delivered["pushed"] as? Int == 5)
        #expect((delivered["held"] as? [Any])?.isEmpty == true)
        for response in try laptop.responses(campaign: campaign) {
            #expect(response["sync"] as? String == "synced")
        }
        let organiser = try deployment.device("organiser", role: "organiser")
        let export = try JSON.array(try organiser.expect(["export", "--campaign", campaign, "--format", "json"]))
        #expect(Set(export.compactMap { ($0["id"] as? String)?.lowercased() }) == Set(ids.map { $0.lowercased() }))
    }

    @Test("A rejected change exits 65, shows in status and responses with its reason, and leaves only when discarded")
    func rejectedUntilDiscarded() throws {
        let deployment = try Deployment()
        // A laptop whose copy of the campaign lists a door the server's walk list does not have.
        let laptop = try Self.standaloneLaptop(deployment, campaign: deployment.campaign, walkList: "id,address\nA001,1 Mill Street\nZ999,99 Nowhere Lane\n")
        let bad = try laptop.record(campaign: deployment.campaign, address: "Z999", answers: SampleAnswers.declined)
        let good = try laptop.record(campaign: deployment.campaign, address: "A001", answers: SampleAnswers.declined)
        try laptop.expect(["login", "--server", deployment.url, "--token", try deployment.token("collector", name: "officer")])

        let sync = try laptop.run(["sync", "--json", "--retry-max-time", "10"])
        #expect(sync.status == 65, "\(sync.stderr)")
        let summary = try JSON.object(sync.stdout)
        // The good door's response and knock arrive; the other door's response and knock are rejected.
        #expect(summary["pushed"] as? Int == 2)
        let rejected = try #require(summary["rejected"] as? [[String: Any]])
        #expect(rejected.map { $0["type"] as? String } == ["response.create", "visit"])
        #expect(rejected.allSatisfy { ($0["reason"] as? String)?.contains("Z999") == true })
        let byID = Dictionary(uniqueKeysWithValues: try laptop.responses(campaign: deployment.campaign).map { (($0["id"] as? String ?? "").lowercased(), $0) })
        #expect(byID[bad.lowercased()]?["sync"] as? String == "rejected")
        #expect(byID[good.lowercased()]?["sync"] as? String == "synced")
        let status = try laptop.run(["status"])
        #expect(status.stdout.contains("Rejected"), "\(status.stdout)")
        // Still 65 on the next sync: it is kept until a person decides.
        #expect(try laptop.run(["sync", "--retry-max-time", "10"]).status == 65)

        // Discarding needs --yes when there is no terminal to ask on; a prefix of 8 will do.
        let operations = rejected.compactMap { $0["id"] as? String }
        let refused = try laptop.run(["discard", String(operations[0].prefix(8))], input: "")
        #expect(refused.status == 64)
        for operation in operations {
            try laptop.expect(["discard", String(operation.prefix(8)), "--yes"])
        }
        #expect(try JSON.object(try laptop.expect(["status", "--json"]))["rejected"] as? Int == 0)
        #expect(try laptop.run(["sync", "--retry-max-time", "10"]).status == 0)
    }
}
