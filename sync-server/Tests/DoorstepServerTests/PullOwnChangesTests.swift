import DoorstepCore
import DoorstepWire
import DoorstepServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// A device that names itself on pull is not sent back what it pushed and nobody changed since.
@Suite("Pull leaves out a device's own untouched changes")
struct PullOwnChangesTests {
    @Test func ownUntouchedResponsesAndKnocksAreLeftOut() async throws {
        let fixture = try ServerFixture()
        try await fixture.app.test(.router) { client in
            // Given two responses and a knock from device d1, one response later corrected by d2
            let untouched = UUID(), corrected = UUID()
            let organiser = fixture.token(.organiser)
            _ = try await client.push(
                [
                    Ops.create(untouched, answers: ["safe": .text("very")], stamp: Ops.stamp(0, "d1")),
                    Ops.create(corrected, address: "a2", answers: ["safe": .text("very")], stamp: Ops.stamp(1, "d1")),
                    Ops.visit(stamp: Ops.stamp(2, "d1")),
                ],
                token: organiser, device: "d1"
            )
            _ = try await client.push(
                [Ops.update(corrected, [FieldChange(name: "safe", value: .text("not"), base: Ops.stamp(1, "d1"))], stamp: Ops.stamp(3, "d2"))],
                token: organiser, device: "d2"
            )
            func pull(device: String?) async throws -> PullResponse {
                let query = device.map { "&device=\($0)" } ?? ""
                let response = try await client.send(.get, "/v1/pull?cursor=0&limit=100\(query)", token: organiser)
                #expect(response.status == .ok)
                return try response.decode(PullResponse.self)
            }

            // When d1 pulls naming itself, Then it gets only what someone else changed
            let own = try await pull(device: "d1")
            #expect(own.responses.map(\.id) == [corrected])
            #expect(own.responses.first?.fields["safe"]?.value == .text("not"))
            #expect(own.visits.isEmpty)
            #expect(!own.more)

            // And another device, or one that does not say, gets everything
            for device in ["d2", nil] {
                let all = try await pull(device: device)
                #expect(Set(all.responses.map(\.id)) == [untouched, corrected])
                #expect(all.visits.count == 1)
                #expect(all.cursor == own.cursor)
            }
        }
    }
}
