import DoorstepCore
import DoorstepTestSupport
import DoorstepWire
import Foundation
import Testing

/// `doorstep-server serve --metrics-port`, on the real binary.
@Suite("Metrics of the doorstep-server process")
struct MetricsLiveTests {
    /// One scrape of `/metrics`: each sample by its series, `name{labels}` as Prometheus writes it.
    struct Scrape {
        let text: String
        let values: [String: Double]

        init(_ text: String) {
            self.text = text
            var values: [String: Double] = [:]
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
                values[String(line[..<space])] = value
            }
            self.values = values
        }

        subscript(series: String) -> Double? { values[series] }

        /// Every label value of every sample.
        var labelValues: [String] {
            values.keys.flatMap { series in series.matches(of: /([a-z_]+)="([^"]*)"/).map { String($0.output.2) } }
        }
    }

    static func scrape(port: Int) throws -> Scrape {
        // The metrics listener may start a moment after the API's URL is printed.
        for _ in 0..<200 {
            let result = try LiveServerTests.curl("GET", "http://127.0.0.1:\(port)/metrics", token: nil)
            if result.status == 200 { return Scrape(result.body) }
            usleep(50_000)
        }
        throw Unanswered(port: port)
    }

    /// Nothing answered on the metrics port.
    struct Unanswered: Error {
        let port: Int
    }

    static let createdApplied = #"doorstep_operations_total{type="response.create",status="applied"}"#
    static let createdRejected = #"doorstep_operations_total{type="response.create",status="rejected"}"#
    static let updatedApplied = #"doorstep_operations_total{type="response.update",status="applied"}"#
    static let pushes = #"doorstep_http_request_duration_seconds_count{route="/v1/push",method="POST",status="200"}"#
    static let pulls = #"doorstep_http_request_duration_seconds_count{route="/v1/pull",method="GET",status="200"}"#

    /// How much `series` moved from `before` to `after` (a series not yet written counts 0).
    static func moved(_ series: String, _ before: Scrape, _ after: Scrape) -> Double {
        (after[series] ?? 0) - (before[series] ?? 0)
    }

    static func push(_ operations: [SyncOperation], _ prepared: LiveServerTests.Prepared, server: RunningServer, name: String) throws -> PushResponse {
        let body = try LiveServerTests.pushBody(operations, in: prepared.directory, name: name)
        let pushed = try LiveServerTests.curl("POST", server.url + "/v1/push", token: prepared.token, bodyFile: body)
        #expect(pushed.status == 200, "\(pushed.body)")
        return try JSONDecoder().decode(PushResponse.self, from: Data(pushed.body.utf8))
    }

    @Test("Pushes, pulls, rejections, conflicts and backups move their metrics by exactly what happened")
    func countersMoveByWhatHappened() throws {
        let prepared = try LiveServerTests.Prepared()
        let organiser = try ProcessRunner.server(["tokens", "create", "--data", prepared.data, "--role", "organiser", "--name", "Org A"])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let port = try closedLoopbackPort()
        let started = Date().timeIntervalSince1970
        let server = try RunningServer(data: prepared.data, arguments: ["--metrics-port", String(port)])
        let before = try Self.scrape(port: port)
        #expect(before[Self.createdApplied] == 0 && before[Self.createdRejected] == 0)

        // When a collector pushes 3 new responses
        let created = try Self.push(LiveServerTests.creates(3), prepared, server: server, name: "three.json")
        #expect(created.results.allSatisfy { $0.status == .applied })
        let afterPush = try Self.scrape(port: port)
        // Then 3 creates are applied, in one push of 3, answered 200 once, and a commit is stamped
        #expect(Self.moved(Self.createdApplied, before, afterPush) == 3)
        #expect(Self.moved("doorstep_push_operations_count", before, afterPush) == 1)
        #expect(Self.moved("doorstep_push_operations_sum", before, afterPush) == 3)
        #expect(Self.moved(#"doorstep_push_operations_bucket{le="1.0"}"#, before, afterPush) == 0)
        #expect(Self.moved(#"doorstep_push_operations_bucket{le="10.0"}"#, before, afterPush) == 1)
        #expect(Self.moved(Self.pushes, before, afterPush) == 1)
        #expect((afterPush["doorstep_last_commit_timestamp_seconds"] ?? 0) >= started.rounded(.down))

        // When it pulls everything
        let pulled = try LiveServerTests.curl("GET", server.url + "/v1/pull?cursor=0", token: prepared.token)
        let page = try JSONDecoder().decode(PullResponse.self, from: Data(pulled.body.utf8))
        let items = page.forms.count + page.campaigns.count + page.visits.count + page.responses.count
        #expect(items == 5)
        let afterPull = try Self.scrape(port: port)
        // Then one pull of that many items is counted, and nothing pushed
        #expect(Self.moved("doorstep_pull_items_count", afterPush, afterPull) == 1)
        #expect(Self.moved("doorstep_pull_items_sum", afterPush, afterPull) == Double(items))
        #expect(Self.moved(Self.pulls, afterPush, afterPull) == 1)
        #expect(Self.moved(Self.createdApplied, afterPush, afterPull) == 0)

        // When a create answers a question the form does not have
        let bad = Ops.create(UUID(), answers: ["safe": .text("very"), "shoe_size": .integer(9)], stamp: Ops.stamp(100, "pc-1"))
        let refused = try Self.push([bad], prepared, server: server, name: "bad.json")
        #expect(refused.results.map(\.status) == [.rejected])
        let afterRejected = try Self.scrape(port: port)
        // Then one create is rejected and none applied
        #expect(Self.moved(Self.createdRejected, afterPull, afterRejected) == 1)
        #expect(Self.moved(Self.createdApplied, afterPull, afterRejected) == 0)
        #expect(Self.moved("doorstep_push_operations_sum", afterPull, afterRejected) == 1)

        // And the same push sent again (a retry) is answered from the log and counts nothing more
        _ = try Self.push([bad], prepared, server: server, name: "bad.json")
        let afterRetry = try Self.scrape(port: port)
        #expect(Self.moved(Self.createdRejected, afterRejected, afterRetry) == 0)

        // When two devices change the same answer without seeing each other's change
        let id = UUID()
        let stamp = Ops.stamp(200, "pc-1")
        _ = try Self.push([Ops.create(id, answers: ["safe": .text("very")], stamp: stamp)], prepared, server: server, name: "one.json")
        let afterCreate = try Self.scrape(port: port)
        _ = try Self.push(
            [Ops.update(id, [FieldChange(name: "safe", value: .text("fairly"), base: stamp)], stamp: Ops.stamp(210, "pc-1"))],
            prepared, server: server, name: "first.json"
        )
        let second = try Self.push(
            [Ops.update(id, [FieldChange(name: "safe", value: .text("not"), base: stamp)], stamp: Ops.stamp(220, "pc-2"))],
            prepared, server: server, name: "second.json"
        )
        #expect(second.results.first?.conflicts == 1)
        let afterConflict = try Self.scrape(port: port)
        // Then one conflict is opened, and both updates are applied
        #expect(Self.moved("doorstep_conflicts_opened_total", afterCreate, afterConflict) == 1)
        #expect(Self.moved("doorstep_conflicts_resolved_total", afterCreate, afterConflict) == 0)
        #expect(Self.moved(Self.updatedApplied, afterCreate, afterConflict) == 2)

        // When an organiser settles it
        let listed = try LiveServerTests.curl("GET", server.url + "/v1/conflicts", token: organiser)
        let conflict = try #require(try JSONDecoder().decode([ConflictInfo].self, from: Data(listed.body.utf8)).first)
        let body = try prepared.directory.write(#"{"value":"fairly"}"#, to: "resolve.json")
        let resolved = try LiveServerTests.curl("POST", server.url + "/v1/conflicts/\(conflict.id)/resolve", token: organiser, bodyFile: body)
        #expect(resolved.status == 200, "\(resolved.body)")
        let afterResolve = try Self.scrape(port: port)
        // Then one conflict is resolved, by one more update, outside any push
        #expect(Self.moved("doorstep_conflicts_resolved_total", afterConflict, afterResolve) == 1)
        #expect(Self.moved("doorstep_conflicts_opened_total", afterConflict, afterResolve) == 0)
        #expect(Self.moved(Self.updatedApplied, afterConflict, afterResolve) == 1)
        #expect(Self.moved("doorstep_push_operations_count", afterConflict, afterResolve) == 0)

        let last: Scrape
        if TestStore.isPostgres {
            // On PostgreSQL: the database's size, no WAL of its own, and no backup command
            last = afterResolve
            #expect((last["doorstep_database_size_bytes"] ?? 0) > 0)
            #expect(last["doorstep_wal_size_bytes"] == nil && last["doorstep_backup_runs_total"] == nil)
        } else {
            // When the data is backed up while the server runs
            let copy = prepared.directory.appending("copy.sqlite").path
            let backup = try ProcessRunner.server(["backup", "--data", prepared.data, "--output", copy])
            #expect(backup.status == 0, "\(backup.stderr)")
            last = try Self.scrape(port: port)
            // Then the run is counted, and the file sizes are there
            #expect(Self.moved("doorstep_backup_runs_total", afterResolve, last) == 1)
            #expect((last["doorstep_last_backup_timestamp_seconds"] ?? 0) >= started.rounded(.down))
            #expect((last["doorstep_database_size_bytes"] ?? 0) > 0)
            #expect(last["doorstep_wal_size_bytes"] != nil)
        }
        #expect(last["doorstep_open_connections"] != nil)

        // No label carries a token, a name, a device, an address, a raw path or an id
        for secret in [prepared.token, organiser, "Org A", "pc-1", "pc-2", "High Street", id.lowercasedString, conflict.id] {
            #expect(!last.text.contains(secret), "\(secret)")
        }
        for value in last.labelValues {
            #expect(value.wholeMatch(of: /[a-z0-9.\/{}+_A-Za-z]*/) != nil && value.firstMatch(of: /[0-9a-f]{8}/) == nil, "\(value)")
        }
        // And the API's port does not serve them
        #expect(try LiveServerTests.curl("GET", server.url + "/metrics", token: nil).status == 404)
        #expect(server.stop() == 0)
    }

    @Test("Without --metrics-port no metrics are served")
    func noMetricsUnlessAsked() throws {
        let prepared = try LiveServerTests.Prepared()
        let server = try RunningServer(data: prepared.data)
        #expect(try LiveServerTests.curl("GET", server.url + "/metrics", token: nil).status == 404)
        #expect(try LiveServerTests.curl("GET", server.url + "/metrics", token: prepared.token).status == 404)
        #expect(server.stop() == 0)
        #expect(!server.log().contains("Metrics at"), "\(server.log())")
    }
}
