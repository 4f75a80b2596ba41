extension ServerDatabase {
    /// The partnership's agencies, their public keys (the newest, by `position`, is current) and
    /// the outcomes they record, one per response and agency; the same statements on both stores.
    static let agencyTables = [
        """
        CREATE TABLE agencies(
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            created_at TEXT NOT NULL
        )
        """,
        """
        CREATE TABLE agency_keys(
            agency TEXT NOT NULL REFERENCES agencies(id),
            key_id TEXT NOT NULL,
            public_key TEXT NOT NULL,
            position INTEGER NOT NULL,
            added_at TEXT NOT NULL,
            PRIMARY KEY (agency, key_id)
        )
        """,
        """
        CREATE TABLE followup_outcomes(
            response BIGINT NOT NULL,
            agency TEXT NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('contacted', 'no-reply', 'declined', 'done', 'purged')),
            note TEXT,
            stamp TEXT NOT NULL,
            PRIMARY KEY (response, agency)
        )
        """,
    ]

    /// SQLite's migration: the tables, and tokens built again for the `agency` role and column
    /// (SQLite changes a CHECK only so).
    static func createAgencies(_ db: any SQLSession) throws {
        let statements = agencyTables + [
            """
            CREATE TABLE tokens_new(
                id TEXT PRIMARY KEY NOT NULL,
                name TEXT NOT NULL,
                role TEXT NOT NULL CHECK (role IN ('collector', 'organiser', 'viewer', 'admin', 'agency')),
                hash TEXT NOT NULL UNIQUE,
                created_at TEXT NOT NULL,
                revoked_at TEXT,
                agency TEXT REFERENCES agencies(id)
            )
            """,
            """
            INSERT INTO tokens_new(id, name, role, hash, created_at, revoked_at)
            SELECT id, name, role, hash, created_at, revoked_at FROM tokens
            """,
            "DROP TABLE tokens",
            "ALTER TABLE tokens_new RENAME TO tokens",
        ]
        for statement in statements { try db.execute(sql: statement) }
    }
}
