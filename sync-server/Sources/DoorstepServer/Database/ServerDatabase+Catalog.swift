import DoorstepCore
public import DoorstepWire
import Foundation

extension ServerDatabase {
    /// Every published form version, in publishing order.
    public func publishedForms() async throws -> [PublishedForm] {
        try await store.read { db in
            try SQLRow.fetchAll(db, sql: "SELECT id, version, source FROM forms ORDER BY published_seq").map(Self.publishedForm)
        }
    }

    /// Every campaign with its walk list, in creation order.
    public func campaigns() async throws -> [CampaignInfo] {
        try await store.read { db in
            let rows = try SQLRow.fetchAll(db, sql: "SELECT * FROM campaigns ORDER BY changed_seq")
            return try rows.map { try Self.campaign($0, db) }
        }
    }

    static func publishedForm(_ row: SQLRow) -> PublishedForm {
        PublishedForm(id: row["id"], version: row["version"], source: row["source"])
    }

    /// A campaign row and its addresses as the wire type.
    static func campaign(_ row: SQLRow, _ db: any SQLSession) throws -> CampaignInfo {
        let id: String = row["id"]
        let addresses = try SQLRow.fetchAll(
            db, sql: "SELECT * FROM addresses WHERE campaign = ? ORDER BY position", arguments: [id]
        ).map { address in
            let notes = (address["notes_json"] as String?).flatMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) }
            var location: DoorLocation?
            if let latitude: Double = address["latitude"], let longitude: Double = address["longitude"] {
                location = .degrees(latitude: latitude, longitude: longitude)
            } else if let easting: Double = address["easting"], let northing: Double = address["northing"] {
                location = .grid(easting: easting, northing: northing)
            }
            return WalkListAddress(
                id: address["id"], address: address["address"], postcode: address["postcode"],
                street: address["street"], area: address["area"], uprn: address["uprn"], notes: notes ?? [:],
                addedBy: address["added_by"], location: location
            )
        }
        return CampaignInfo(
            id: id, name: row["name"], form: row["form"], date: row["date"], area: row["area"], addresses: addresses,
            deviceRetention: row["device_retention"]
        )
    }
}

extension CampaignInfo {
    /// The campaign as `role` may see it: viewers read figures, not doors, so their copy has no walk list.
    func visible(to role: Role) -> CampaignInfo {
        guard role == .viewer else { return self }
        var copy = self
        copy.addresses = []
        return copy
    }
}
