import DoorstepTestSupport
import Foundation
import Testing

/// Whole days of action: the real server, several laptops, `doorstep` commands only.
@Suite("Sync end to end")
struct SyncEndToEndTests {
    @Test("Everything recorded offline on two laptops arrives exactly once, also after a repeated sync")
    func offlineWorkArrivesOnce() throws {
        // Given two officers who record offline, and an organiser
        let deployment = try Deployment()
        let alice = try deployment.device("alice")
        let bob = try deployment.device("bob")
        let organiser = try deployment.device("organiser", role: "organiser")
        for device in [alice, bob] { try device.sync() }
        var recorded: Set<String> = []
        for (index, address) in deployment.addresses.prefix(6).enumerated() {
            let device = index % 2 == 0 ? alice : bob
            try device.expect(["visit", "--campaign", deployment.campaign, "--address", address, "--outcome", "surveyed"])
            recorded.insert(try device.record(campaign: deployment.campaign, address: address, answers: SampleAnswers.consenting(occupants: index + 1)))
        }

        // When both sync, and sync again
        let first = try alice.sync()
        #expect(first["pushed"] as? Int == 6)
        #expect((first["rejected"] as? [Any])?.isEmpty == true)
        try bob.sync()
        let again = try alice.sync()
        #expect(again["pushed"] as? Int == 0)

        // Then the organiser sees each response once, with the answers recorded
        try organiser.sync()
        let responses = try organiser.responses(campaign: deployment.campaign)
        let ids = responses.compactMap { $0["id"] as? String }
        #expect(ids.count == 6)
        #expect(Set(ids.map { $0.lowercased() }) == Set(recorded.map { $0.lowercased() }))
        let status = try JSON.object(try alice.expect(["status", "--json"]))
        #expect(status["pending"] as? Int == 0)
    }

    @Test("Concurrent corrections converge everywhere and the losing value is shown to the organiser")
    func concurrentEditsConverge() throws {
        // Given a response that an officer and the organiser both hold
        let deployment = try Deployment()
        let alice = try deployment.device("alice")
        let organiser = try deployment.device("organiser", role: "organiser")
        try alice.sync()
        let id = try alice.record(campaign: deployment.campaign, address: deployment.addresses[0], answers: SampleAnswers.consenting(occupants: 2))
        try alice.sync()
        try organiser.sync()
        #expect(try organiser.show(id)["answers"].flatMap { ($0 as? [String: Any])?["occupants"] as? Int } == 2)

        // When both correct the same answer without seeing the other's change
        try alice.expect(["edit", id, "--set", "occupants=3"])
        try organiser.expect(["edit", id, "--set", "occupants=4"])
        let aliceSummary = try alice.sync()
        let organiserSummary = try organiser.sync()
        try alice.sync()

        // Then every replica holds the same value, and one conflict keeps the other
        let aliceValue = try alice.show(id)["answers"].flatMap { ($0 as? [String: Any])?["occupants"] as? Int }
        let organiserValue = try organiser.show(id)["answers"].flatMap { ($0 as? [String: Any])?["occupants"] as? Int }
        #expect(aliceValue == organiserValue)
        #expect([3, 4].contains(aliceValue))
        #expect((aliceSummary["conflicts"] as? Int ?? 0) + (organiserSummary["conflicts"] as? Int ?? 0) == 1)
        let conflicts = try JSON.array(try organiser.expect(["conflicts", "--campaign", deployment.campaign, "--json"]))
        #expect(conflicts.count == 1)
        let conflict = try #require(conflicts.first)
        #expect(conflict["field"] as? String == "occupants")
        #expect(conflict["current"] as? Int == aliceValue)
        #expect(conflict["value"] as? Int == (aliceValue == 3 ? 4 : 3))
        // The kept value names the officer whose write it was, by token name, in the list and its JSON.
        #expect(conflict["officer"] as? String == (aliceValue == 3 ? "organiser" : "alice"))
        let table = try organiser.expect(["conflicts", "--campaign", deployment.campaign])
        #expect(table.contains("  \(aliceValue == 3 ? "organiser" : "alice")  "))

        // When the organiser settles it, the resolution reaches the officer's laptop
        let conflictID = try #require(conflict["id"] as? String)
        try organiser.expect(["resolve", conflictID, "--value", "5"])
        try organiser.sync()
        try alice.sync()
        #expect(try alice.show(id)["answers"].flatMap { ($0 as? [String: Any])?["occupants"] as? Int } == 5)
        #expect(try organiser.show(id)["answers"].flatMap { ($0 as? [String: Any])?["occupants"] as? Int } == 5)
        #expect(try JSON.array(try organiser.expect(["conflicts", "--json"])).isEmpty)
        // A conflict that no longer exists is bad data
        #expect(try organiser.run(["resolve", conflictID, "--value", "6"]).status == 65)
    }

    @Test("Knocks by one team appear in the other team's walk list")
    func visitsReachOtherTeams() throws {
        let deployment = try Deployment()
        let alice = try deployment.device("alice")
        let bob = try deployment.device("bob")
        try alice.sync()
        try bob.sync()
        try alice.expect(["visit", "--campaign", deployment.campaign, "--address", deployment.addresses[3], "--outcome", "no-answer"])
        try alice.expect(["visit", "--campaign", deployment.campaign, "--address", deployment.addresses[4], "--outcome", "refused"])
        try alice.sync()
        let summary = try bob.sync()
        #expect(summary["pulled"] as? Int ?? 0 >= 2)
        let doors = try bob.doors(campaign: deployment.campaign)
        #expect(doors[deployment.addresses[3]]?["status"] as? String == "no-answer")
        #expect(doors[deployment.addresses[4]]?["status"] as? String == "refused")
        #expect(doors[deployment.addresses[5]]?["status"] as? String == "not-visited")
    }

    @Test("A revoked token exits 77 with a sentence")
    func revokedToken() throws {
        let deployment = try Deployment()
        let alice = try deployment.device("alice")
        try alice.sync()
        try deployment.revoke(alice.token)
        let result = try alice.run(["sync"])
        #expect(result.status == 77)
        #expect(result.stderr.contains("token"))
        #expect(result.stdout.isEmpty)
    }

    @Test("A stopped server exits 75 so a wrapper tries later, and the next sync finishes the job")
    func stoppedServer() throws {
        let deployment = try Deployment()
        let alice = try deployment.device("alice")
        try alice.sync()
        try alice.record(campaign: deployment.campaign, address: deployment.addresses[0], answers: SampleAnswers.declined)
        let pending = try JSON.object(try alice.expect(["status", "--json"]))["pending"] as? Int
        #expect(pending ?? 0 > 0)
        deployment.stopServer()
        let result = try alice.run(["sync", "--retry-max-time", "1"])
        #expect(result.status == 75)
        #expect(result.stderr.contains("Cannot reach \(deployment.url)"), "\(result.stderr)")
        #expect(try JSON.object(try alice.expect(["status", "--json"]))["pending"] as? Int == pending)
        try deployment.restartServer(port: URL(string: deployment.url)?.port ?? 0)
        #expect(try alice.sync()["pushed"] as? Int == pending)
    }

    @Test("Login refuses a bad token with 77 and an unreachable server with 75")
    func loginChecks() throws {
        let deployment = try Deployment()
        let device = try Device(name: "newcomer")
        let bad = try device.run(["login", "--server", deployment.url, "--token", "not-a-token"])
        #expect(bad.status == 77)
        #expect(try device.run(["sync"]).status == 64)
        deployment.stopServer()
        let down = try device.run(["login", "--server", deployment.url, "--token", "x", "--retry-max-time", "0"])
        #expect(down.status == 75)
    }

    @Test("Logout forgets the token and keeps what was recorded")
    func logout() throws {
        let deployment = try Deployment()
        let alice = try deployment.device("alice")
        try alice.sync()
        try alice.record(campaign: deployment.campaign, address: deployment.addresses[0], answers: SampleAnswers.declined)
        let pending = try JSON.object(try alice.expect(["status", "--json"]))["pending"] as? Int
        try alice.expect(["logout"])
        #expect(try alice.run(["sync"]).status == 64)
        try alice.expect(["login", "--server", deployment.url, "--token", "-"], input: alice.token + "\n")
        #expect(try alice.sync()["pushed"] as? Int == pending)
    }

    @Test("A sync while another holds the lock is refused with 75 and a sentence")
    func lockRefusesSecondSync() throws {
        let deployment = try Deployment()
        let alice = try deployment.device("alice")
        // Given the lock held as a running sync holds it
        let path = alice.home.appending("sync.lock").path
        let descriptor = open(path, O_RDWR | O_CREAT, 0o600)
        #expect(descriptor >= 0)
        defer { close(descriptor) }
        #expect(flock(descriptor, LOCK_EX | LOCK_NB) == 0)
        _ = "4242\n".withCString { write(descriptor, $0, 5) }

        let refused = try alice.run(["sync"])
        #expect(refused.status == 75)
        #expect(refused.stderr.contains("already running"))
        #expect(refused.stderr.contains("4242"))

        // When the holder ends, a sync runs
        flock(descriptor, LOCK_UN)
        try alice.sync()
    }

    @Test("Two syncs started together: each finishes or is refused cleanly, and nothing is doubled")
    func concurrentSyncs() throws {
        let deployment = try Deployment()
        let alice = try deployment.device("alice")
        let organiser = try deployment.device("organiser", role: "organiser")
        try alice.sync()
        let recorded = try BulkRecorder.record(home: alice.home.url, campaign: deployment.campaign, addresses: deployment.addresses, count: 3000)
        let results = try Parallel.run(2) { _ in try alice.run(["sync", "--json", "--batch-size", "200"]) }
        for result in results {
            #expect(result.status == 0 || (result.status == 75 && result.stderr.contains("already running")), "\(result.stderr)")
        }
        try alice.sync()
        try organiser.sync()
        let ids = try organiser.responses(campaign: deployment.campaign).compactMap { ($0["id"] as? String)?.lowercased() }
        #expect(ids.count == recorded.count)
        #expect(Set(ids) == recorded)
    }

    @Test("Sync goes through an HTTP proxy named in the environment")
    func proxyFromEnvironment() throws {
        let deployment = try Deployment()
        let proxy = try FixtureServer()
        let alice = try deployment.device("alice")
        try alice.sync()
        try alice.record(campaign: deployment.campaign, address: deployment.addresses[0], answers: SampleAnswers.declined)
        let result = try alice.run(["sync", "--json"], environment: ["http_proxy": "http://127.0.0.1:\(proxy.port)", "no_proxy": ""])
        #expect(result.status == 0, "\(result.stderr)")
        let hits = try ProcessRunner.run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", "-c", "import urllib.request,sys; sys.stdout.write(urllib.request.urlopen('\(proxy.url("/hits?key=proxy"))').read().decode())"],
            environment: ["no_proxy": "*"]
        )
        #expect(try JSON.object(hits.stdout)["hits"] as? Int ?? 0 >= 2)
    }
}
