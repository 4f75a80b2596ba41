public import DoorstepCore
public import DoorstepWire
import Foundation
import GRDB

extension ClientStore {
    /// Adds a campaign and its walk list, for a laptop that runs a day without a server.
    ///
    /// - Throws: ``ClientStoreError/campaignExists(_:)``, or ``ClientStoreError/unknownForm(id:version:)``
    ///   when its form is not stored.
    public func addCampaign(_ campaign: CampaignInfo) throws {
        try pool.write { db in
            _ = try fetchForm(id: campaign.form, version: nil, db)
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM campaigns WHERE id = ?", arguments: [campaign.id]) == true {
                throw ClientStoreError.campaignExists(campaign.id)
            }
            try saveCampaign(campaign, db)
        }
    }

    /// Inserts or replaces a campaign and makes its walk list exactly `campaign.addresses`.
    func saveCampaign(_ campaign: CampaignInfo, _ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO campaigns (id, name, form, date, area, device_retention) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET name = excluded.name, form = excluded.form,
                    date = excluded.date, area = excluded.area, device_retention = excluded.device_retention
                """,
            arguments: [campaign.id, campaign.name, campaign.form, campaign.date, campaign.area, campaign.deviceRetention]
        )
        // Doors added here and not yet delivered stay until the server's list brings them back.
        try db.execute(sql: """
            DELETE FROM addresses WHERE campaign = ?1 AND id NOT IN (
                SELECT json_extract(operation, '$.payload.door.id') FROM outbox
                WHERE kind = 'address.add' AND state IN ('pending', 'held')
                    AND json_extract(operation, '$.payload.campaign') = ?1)
            """, arguments: [campaign.id])
        let insert = try db.cachedStatement(sql: """
            INSERT INTO addresses (campaign, id, position, address, postcode, street, area, uprn, notes, added_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (campaign, id) DO UPDATE SET position = excluded.position, address = excluded.address,
                postcode = excluded.postcode, street = excluded.street, area = excluded.area, uprn = excluded.uprn,
                notes = excluded.notes, added_by = excluded.added_by
            """)
        for (position, address) in campaign.addresses.enumerated() {
            try insert.execute(arguments: [
                campaign.id, address.id, position, address.address, address.postcode, address.street,
                address.area, address.uprn, try Self.json(address.notes), address.addedBy,
            ])
        }
    }

    /// Adds a door found on the day to a campaign's walk list, after every listed door, with its
    /// `address.add` operation, in one transaction; it reaches every laptop after sync.
    ///
    /// - Throws: ``ClientStoreError/unknownCampaign(_:)``, ``ClientStoreError/addressExists(campaign:address:)``
    ///   when the id (in any case) is on the list, or ``ClientStoreError/invalidAddress(_:)``.
    @discardableResult
    public func addAddress(campaign: String, door: WalkListAddress) throws -> WalkListAddress {
        try pool.write { db in
            let campaign = try fetchCampaign(id: campaign, db).id
            var door = door
            door.addedBy = "this laptop"
            if let problem = NewAddress.problem(with: door) { throw ClientStoreError.invalidAddress(problem) }
            if let listed = try String.fetchOne(db, sql: """
                SELECT id FROM addresses WHERE campaign = ? AND id = ? COLLATE NOCASE
                """, arguments: [campaign, door.id]) {
                throw ClientStoreError.addressExists(campaign: campaign, address: listed)
            }
            try db.execute(sql: """
                INSERT INTO addresses (campaign, id, position, address, postcode, street, area, uprn, notes, added_by)
                VALUES (?1, ?2, (SELECT COALESCE(MAX(position), 0) + 1 FROM addresses WHERE campaign = ?1),
                    ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                """, arguments: [
                    campaign, door.id, door.address, door.postcode, door.street, door.area, door.uprn,
                    try Self.json(door.notes), door.addedBy,
                ])
            var sent = door
            sent.addedBy = nil
            let operation = SyncOperation(
                stamp: try tick(db), device: deviceID, body: .addAddress(NewAddress(campaign: campaign, door: sent))
            )
            try enqueue(operation, response: nil, db)
            return door
        }
    }

    /// Every campaign on this laptop, by date then id, with its counts of addresses and responses.
    public func campaigns() throws -> [CampaignSummary] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT c.*,
                    (SELECT COUNT(*) FROM addresses a WHERE a.campaign = c.id) AS addresses,
                    (SELECT COUNT(*) FROM responses r WHERE r.campaign = c.id) AS responses
                FROM campaigns c ORDER BY c.date, c.id
                """).map { row in
                CampaignSummary(campaign: Self.campaign(row), addresses: row["addresses"], responses: row["responses"])
            }
        }
    }

    /// One campaign.
    ///
    /// - Throws: ``ClientStoreError/unknownCampaign(_:)``.
    public func campaign(id: String) throws -> Campaign {
        try pool.read { db in try fetchCampaign(id: id, db) }
    }

    /// The campaign `id` names, in any case (an exact spelling wins).
    func fetchCampaign(id: String, _ db: Database) throws -> Campaign {
        let rows = try Row.fetchAll(db, sql: """
            SELECT * FROM campaigns WHERE id = ?1 COLLATE NOCASE ORDER BY id = ?1 DESC, id
            """, arguments: [id])
        guard let first = rows.first else { throw ClientStoreError.unknownCampaign(id) }
        if rows.count > 1, first["id"] != id {
            throw ClientStoreError.ambiguousID(kind: "campaign", typed: id, matches: rows.map { $0["id"] })
        }
        return Self.campaign(first)
    }

    /// One address of a campaign's walk list; both ids may be typed in any case.
    ///
    /// - Throws: ``ClientStoreError/unknownCampaign(_:)``, ``ClientStoreError/unknownAddress(campaign:address:)``
    ///   or ``ClientStoreError/ambiguousID(kind:typed:matches:)``.
    public func address(campaign: String, id: String) throws -> WalkListAddress {
        try pool.read { db in try fetchAddress(campaign: campaign, id: id, db) }
    }

    /// The address `id` names on the walk list, in any case (an exact spelling wins).
    func fetchAddress(campaign: String, id: String, _ db: Database) throws -> WalkListAddress {
        let campaign = try fetchCampaign(id: campaign, db).id
        let rows = try Row.fetchAll(db, sql: """
            SELECT * FROM addresses WHERE campaign = ?1 AND id = ?2 COLLATE NOCASE ORDER BY id = ?2 DESC, id
            """, arguments: [campaign, id])
        guard let first = rows.first else { throw ClientStoreError.unknownAddress(campaign: campaign, address: id) }
        if rows.count > 1, first["id"] != id {
            throw ClientStoreError.ambiguousID(kind: "address", typed: id, matches: rows.map { $0["id"] })
        }
        return try Self.walkListAddress(first)
    }

    /// The walk list of a campaign in list order, each door with the status its knocks give it.
    ///
    /// - Throws: ``ClientStoreError/unknownCampaign(_:)``.
    public func addresses(campaign: String) throws -> [AddressState] {
        try pool.read { db in
            let campaign = try fetchCampaign(id: campaign, db).id
            let rows = try Row.fetchAll(
                db, sql: "SELECT * FROM addresses WHERE campaign = ? ORDER BY position", arguments: [campaign]
            )
            return try doorStates(campaign: campaign, addresses: rows.map(Self.walkListAddress), db)
        }
    }

    /// One door of a walk list with the status every team's knocks give it; ids in any case.
    ///
    /// - Throws: as ``address(campaign:id:)``.
    public func addressState(campaign: String, id: String) throws -> AddressState {
        try pool.read { db in
            let door = try fetchAddress(campaign: campaign, id: id, db)
            let campaign = try fetchCampaign(id: campaign, db).id
            return try doorStates(campaign: campaign, addresses: [door], only: door.id, db)[0]
        }
    }

    /// The state of each door in `addresses`, from the campaign's knocks and responses (of one
    /// door when `only` is given).
    private func doorStates(
        campaign: String, addresses: [WalkListAddress], only: String? = nil, _ db: Database
    ) throws -> [AddressState] {
        var outcomes: [String: [VisitOutcome]] = [:]
        var last: [String: (at: String, note: String?, callBack: String?)] = [:]
        // One door's knocks and responses are read through the (campaign, address) indexes, so
        // `record` and `visit` stay quick on a laptop holding a whole day.
        let door = only.map { _ in " AND address = ?2" } ?? ""
        let visits = try Row.fetchCursor(db, sql: """
            SELECT address, outcome, at, note, call_back FROM visits
            WHERE campaign = ?1\(door) ORDER BY address, stamp
            """, arguments: only.map { [campaign, $0] } ?? [campaign])
        while let visit = try visits.next() {
            let address: String = visit["address"]
            guard let outcome = VisitOutcome(rawValue: visit["outcome"]) else { continue }
            outcomes[address, default: []].append(outcome)
            let note: String? = visit["note"]
            last[address] = (visit["at"], note ?? last[address]?.note, outcome == .revisit ? visit["call_back"] : nil)
        }
        let surveyed = Set(try String.fetchAll(db, sql: """
            SELECT DISTINCT address FROM responses WHERE campaign = ?1\(door)
            """, arguments: only.map { [campaign, $0] } ?? [campaign]))
        return addresses.map { address in
            let knocks = outcomes[address.id] ?? []
            let hasResponse = surveyed.contains(address.id)
            return AddressState(
                address: address,
                status: DoorStatus(outcomesOldestFirst: knocks, hasResponse: hasResponse),
                visits: knocks.count, lastVisit: last[address.id]?.at, lastNote: last[address.id]?.note,
                callBack: last[address.id]?.callBack, hasResponse: hasResponse
            )
        }
    }

    static func campaign(_ row: Row) -> Campaign {
        Campaign(id: row["id"], name: row["name"], form: row["form"], date: row["date"], area: row["area"])
    }

    static func walkListAddress(_ row: Row) throws -> WalkListAddress {
        WalkListAddress(
            id: row["id"], address: row["address"], postcode: row["postcode"], street: row["street"],
            area: row["area"], uprn: row["uprn"], notes: try decode([String: String].self, row["notes"]),
            addedBy: row["added_by"]
        )
    }
}
