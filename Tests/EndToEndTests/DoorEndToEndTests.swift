import DoorstepTestSupport
import Foundation
import Testing

/// Door outcomes travel between teams through the real server.
@Suite("Doors across laptops")
struct DoorEndToEndTests {
    @Test("Do not contact recorded on one laptop stops another team at that door after its next sync; a call-back reaches every team")
    func doNotContactAcrossLaptops() throws {
        let deployment = try Deployment()
        let alice = try deployment.device("alice")
        let bob = try deployment.device("bob")
        let organiser = try deployment.device("organiser", role: "organiser")
        for device in [alice, bob] { try device.sync() }
        let door = deployment.addresses[0]
        let later = deployment.addresses[1]

        // Alice is asked not to come back, and another resident asks for a call-back.
        try alice.expect(["visit", door, "--campaign", deployment.campaign, "--outcome", "do-not-contact"])
        try alice.expect(["visit", later, "--campaign", deployment.campaign, "--outcome", "revisit", "--when", "after 6pm"])

        // Before syncing, Bob knows nothing of it.
        try bob.expect(["visit", door, "--campaign", deployment.campaign, "--outcome", "no-answer"])
        try alice.sync()
        try bob.sync()

        // After his sync, Bob's laptop stops him, and his list shows both doors as they stand.
        let refused = try bob.run(["record", door.lowercased(), "--campaign", deployment.campaign, "--answers", "-"], input: #"{}"#)
        #expect(refused.status == 77)
        #expect(refused.stderr.contains("! Do not contact: the resident asked not to be contacted again."))
        let doors = try bob.doors(campaign: deployment.campaign)
        #expect(doors[door]?["status"] as? String == "do-not-contact")
        #expect(doors[later]?["status"] as? String == "revisit")
        #expect(doors[later]?["call_back"] as? String == "after 6pm")

        // The organiser sees the same.
        try organiser.sync()
        let seen = try organiser.doors(campaign: deployment.campaign)
        #expect(seen[door]?["status"] as? String == "do-not-contact")
        #expect(seen[door]?["visits"] as? Int == 2)
    }

    @Test("A door added on the day syncs to the server and every laptop, marked as added, and takes visits and responses")
    func addedDoorSyncs() throws {
        let deployment = try Deployment()
        let alice = try deployment.device("alice")
        let bob = try deployment.device("bob")
        let organiser = try deployment.device("organiser", role: "organiser")
        for device in [alice, bob] { try device.sync() }

        // Alice finds a flat that is not on the walk list, adds it, and surveys it.
        let added = try alice.run([
            "addresses", "add", "14a Albion Street", "--campaign", deployment.campaign, "--postcode", "TS1 6BN",
            "--street", "Albion Street", "--note", "Side door",
        ])
        #expect(added.status == 0, "\(added.stderr)")
        let door = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(door.hasPrefix("new-") && door.count == 10)
        let duplicate = try alice.run(["addresses", "add", "Anything", "--campaign", deployment.campaign, "--id", door.uppercased()])
        #expect(duplicate.status == 65)
        let response = try alice.record(campaign: deployment.campaign, address: door.uppercased(), answers: SampleAnswers.consenting())
        // Before her sync, the door is hers alone.
        #expect(try alice.doors(campaign: deployment.campaign)[door]?["added_by"] as? String == "this laptop")
        #expect(try bob.doors(campaign: deployment.campaign)[door] == nil)

        // After syncing, every laptop has the door, named as Alice's token adds it, after the listed doors.
        let summary = try alice.sync()
        #expect((summary["rejected"] as? [Any])?.isEmpty ?? true)
        try bob.sync()
        try organiser.sync()
        for laptop in [alice, bob, organiser] {
            let list = try JSON.array(try laptop.expect(["addresses", "--campaign", deployment.campaign, "--json"]))
            #expect(list.last?["id"] as? String == door)
            #expect(list.last?["added_by"] as? String == "alice")
            #expect(list.last?["notes"] as? [String: String] == ["notes": "Side door"])
        }
        #expect(try organiser.doors(campaign: deployment.campaign)[door]?["status"] as? String == "surveyed")
        let responses = try organiser.responses(campaign: deployment.campaign)
        #expect(responses.contains { ($0["id"] as? String)?.lowercased() == response.lowercased() && $0["address"] as? String == door })
    }

    @Test("The organiser's figures say who knocked and when, by token name; a viewer's snapshot carries none of it")
    func whoDidTheWork() throws {
        let deployment = try Deployment()
        let alice = try deployment.device("alice")
        let bob = try deployment.device("bob")
        let organiser = try deployment.device("organiser", role: "organiser")
        let viewer = try deployment.device("board", role: "viewer")
        for device in [alice, bob] { try device.sync() }
        for door in deployment.addresses.prefix(3) {
            try alice.expect(["visit", door, "--campaign", deployment.campaign, "--outcome", "no-answer"])
        }
        try alice.record(campaign: deployment.campaign, address: deployment.addresses[3], answers: SampleAnswers.consenting())
        try bob.expect(["visit", deployment.addresses[4], "--campaign", deployment.campaign, "--outcome", "refused"])
        for device in [alice, bob, organiser] { try device.sync() }

        let figures = try JSON.object(try organiser.expect([
            "export", "--campaign", deployment.campaign, "--aggregate", "--format", "json",
        ]))
        let work = try #require(figures["work"] as? [String: Any])
        let officers = try #require(work["officers"] as? [[String: Any]])
        #expect(officers.map { $0["name"] as? String } == ["alice", "bob"])
        #expect(officers.map { $0["knocks"] as? Int } == [4, 1])
        #expect(officers.map { $0["surveyed"] as? Int } == [1, 0])
        let hours = try #require(work["hours"] as? [[String: Any]])
        #expect(hours.compactMap { $0["knocks"] as? Int }.reduce(0, +) == 5)

        try Deployment.admin(["campaigns", "publish", "--data", deployment.data.path, deployment.campaign])
        let snapshot = try viewer.run(["export", "--campaign", deployment.campaign, "--aggregate", "--format", "json"])
        #expect(snapshot.status == 0, "\(snapshot.stderr)")
        #expect(!snapshot.stdout.contains("\"work\""))
        #expect(!snapshot.stdout.contains("alice"))
    }

    @Test("The live view tells organisers who was heard from when, doors per street, concerns as they land and do-not-contact doors; collectors and viewers are refused")
    func liveView() throws {
        let deployment = try Deployment()
        let alice = try deployment.device("alice")
        let organiser = try deployment.device("organiser", role: "organiser")
        let viewer = try deployment.device("board", role: "viewer")
        try alice.sync()
        try alice.expect(["visit", deployment.addresses[0], "--campaign", deployment.campaign, "--outcome", "do-not-contact"])
        let concern = try alice.record(
            campaign: deployment.campaign, address: deployment.addresses[1],
            answers: SampleAnswers.wantsVisitWithConcern(name: "A Resident", concern: "Neglect suspected")
        )
        try alice.record(campaign: deployment.campaign, address: deployment.addresses[2], answers: SampleAnswers.consenting())
        try alice.sync()

        let progress = try JSON.object(try organiser.expect(["progress", "--campaign", deployment.campaign, "--json"]))
        let laptops = try #require(progress["laptops"] as? [[String: Any]])
        #expect(laptops.map { $0["officer"] as? String } == ["alice"])
        #expect(laptops.first?["knocks"] as? Int == 3)
        #expect(laptops.first?["responses"] as? Int == 2)
        #expect((laptops.first?["last_contact"] as? String)?.isEmpty == false)
        let concerns = try #require(progress["concerns"] as? [[String: Any]])
        #expect(concerns.map { $0["response"] as? String } == [concern.lowercased()])
        #expect(concerns.first?["officer"] as? String == "alice")
        #expect(progress["do_not_contact"] as? [String] == [deployment.addresses[0]])
        let total = try #require(progress["total"] as? [String: Any])
        #expect(total["doors"] as? Int == deployment.addresses.count)
        #expect(total["knocked"] as? Int == 3)
        #expect(total["surveyed"] as? Int == 2)

        let text = try organiser.expect(["progress", "--campaign", deployment.campaign])
        #expect(text.contains("SAFEGUARDING CONCERNS (1)"))
        #expect(text.contains("Do not contact: \(deployment.addresses[0])"))
        #expect(text.contains("Doors: 3 of \(deployment.addresses.count) knocked, 2 surveyed."))

        for refused in [alice, viewer] {
            #expect(try refused.run(["progress", "--campaign", deployment.campaign]).status == 77)
            #expect(try refused.run(["progress", "--campaign", deployment.campaign, "--link"]).status == 77)
        }

        // The same view as a page for a browser: a signed link, no token, reloading itself.
        let link = try organiser.expect(["progress", "--campaign", deployment.campaign, "--link"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(link.hasPrefix(deployment.server.url + "/live?link="))
        func fetch(_ url: String) throws -> (status: String, body: String) {
            let result = try ProcessRunner.run(
                URL(fileURLWithPath: "/usr/bin/curl"), ["-s", "-o", "-", "-w", "\n%{http_code}", url], timeout: 30
            )
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            return (String(lines.last ?? ""), lines.dropLast().joined(separator: "\n"))
        }
        let page = try fetch(link)
        #expect(page.status == "200")
        #expect(page.body.contains(#"<meta http-equiv="refresh" content="30"/>"#))
        #expect(page.body.contains("Safeguarding concerns, the newest first"))
        #expect(page.body.contains(deployment.addresses[1]))
        #expect(!page.body.contains("<script") && !page.body.contains("https:"))
        // A tampered link, or a link to the report used for the live page, opens nothing.
        #expect(try fetch(link + "x").status == "401")
        #expect(try fetch(deployment.server.url + "/live").status == "401")
    }
}
