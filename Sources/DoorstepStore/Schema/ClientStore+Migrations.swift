import GRDB

extension ClientStore {
    /// The store's schema, one named migration after another. Shipped migrations are never edited:
    /// a change is a new migration (<https://swiftpackageindex.com/groue/grdb.swift/documentation/grdb/migrations>).
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-client-store") { db in
            // This laptop: its device id, the persisted clock and what sync needs. Exactly one row.
            try db.execute(sql: """
                CREATE TABLE device (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    device_id TEXT NOT NULL,
                    clock TEXT NOT NULL,
                    server TEXT,
                    token TEXT,
                    role TEXT,
                    cursor INTEGER NOT NULL DEFAULT 0,
                    epoch TEXT,
                    last_sync TEXT
                );

                -- Every version of every form, with the YAML it was parsed from.
                CREATE TABLE forms (
                    id TEXT NOT NULL,
                    version TEXT NOT NULL,
                    title TEXT NOT NULL,
                    source TEXT NOT NULL,
                    added_at TEXT NOT NULL,
                    PRIMARY KEY (id, version)
                ) WITHOUT ROWID;

                -- Days of action.
                CREATE TABLE campaigns (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    form TEXT NOT NULL,
                    date TEXT,
                    area TEXT
                ) WITHOUT ROWID;

                -- Walk lists: the doors of each campaign, in the order of the list.
                CREATE TABLE addresses (
                    campaign TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
                    id TEXT NOT NULL,
                    position INTEGER NOT NULL,
                    address TEXT NOT NULL,
                    postcode TEXT,
                    street TEXT,
                    area TEXT,
                    uprn TEXT,
                    notes TEXT NOT NULL DEFAULT '{}',
                    PRIMARY KEY (campaign, id)
                ) WITHOUT ROWID;
                CREATE INDEX addresses_by_position ON addresses(campaign, position);

                -- Knocks on doors, by any team: append-only.
                CREATE TABLE visits (
                    id TEXT PRIMARY KEY NOT NULL,
                    campaign TEXT NOT NULL,
                    address TEXT NOT NULL,
                    outcome TEXT NOT NULL CHECK (outcome IN ('no-answer', 'refused', 'card-left', 'revisit', 'surveyed')),
                    note TEXT,
                    at TEXT NOT NULL,
                    device TEXT NOT NULL,
                    stamp TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX visits_by_address ON visits(campaign, address, stamp);

                -- Questionnaire responses; the answers are in response_fields.
                CREATE TABLE responses (
                    id TEXT PRIMARY KEY NOT NULL,
                    campaign TEXT NOT NULL,
                    address TEXT NOT NULL,
                    form TEXT NOT NULL,
                    form_version TEXT NOT NULL,
                    device TEXT NOT NULL,
                    recorded_at TEXT NOT NULL,
                    erased TEXT CHECK (erased IN ('sensitive', 'all'))
                );
                CREATE INDEX responses_by_campaign ON responses(campaign, recorded_at);
                CREATE INDEX responses_by_address ON responses(campaign, address);

                -- Each field's current value (JSON, NULL when cleared) and the stamp of its last write.
                CREATE TABLE response_fields (
                    response TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
                    name TEXT NOT NULL,
                    value TEXT,
                    stamp TEXT NOT NULL,
                    PRIMARY KEY (response, name)
                ) WITHOUT ROWID;

                -- Questionnaires in progress, saved after every answer.
                CREATE TABLE drafts (
                    id TEXT PRIMARY KEY NOT NULL,
                    campaign TEXT NOT NULL,
                    address TEXT NOT NULL,
                    form TEXT NOT NULL,
                    form_version TEXT NOT NULL,
                    answers TEXT NOT NULL,
                    position TEXT,
                    started_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                ) WITHOUT ROWID;

                -- Every operation made here, kept for good so a restored server can be sent all again.
                CREATE TABLE outbox (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    kind TEXT NOT NULL,
                    response TEXT,
                    operation TEXT NOT NULL,
                    urgent INTEGER NOT NULL DEFAULT 0,
                    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'rejected')),
                    reason TEXT,
                    created_at TEXT NOT NULL,
                    sent_at TEXT
                );
                CREATE INDEX outbox_queue ON outbox(state, urgent DESC, seq);
                CREATE INDEX outbox_by_response ON outbox(response, state) WHERE response IS NOT NULL;
                """)
        }
        migrator.registerMigration("v2-outbox-index-without-state") { db in
            // Acknowledging a push changes `state` of thousands of rows; with `state` in this index
            // every change also moved an entry keyed by a random response id (about 40 µs a row).
            // A response has a handful of operations, so looking them up by response alone is enough.
            try db.execute(sql: """
                DROP INDEX outbox_by_response;
                CREATE INDEX outbox_by_response ON outbox(response) WHERE response IS NOT NULL;
                """)
        }
        migrator.registerMigration("v3-outbox-held-and-discarded") { db in
            // The server may hold an operation (it lacks what it needs yet): such an operation is
            // sent again at every sync. A person may discard an operation the server will never
            // take: it stays here, marked, and is never sent again. SQLite cannot change a CHECK
            // constraint in place, so the table is rebuilt.
            try db.execute(sql: """
                CREATE TABLE outbox_new (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    kind TEXT NOT NULL,
                    response TEXT,
                    operation TEXT NOT NULL,
                    urgent INTEGER NOT NULL DEFAULT 0,
                    state TEXT NOT NULL DEFAULT 'pending'
                        CHECK (state IN ('pending', 'sent', 'held', 'rejected', 'discarded')),
                    reason TEXT,
                    created_at TEXT NOT NULL,
                    sent_at TEXT
                );
                INSERT INTO outbox_new (seq, id, kind, response, operation, urgent, state, reason, created_at, sent_at)
                    SELECT seq, id, kind, response, operation, urgent, state, reason, created_at, sent_at FROM outbox;
                DROP TABLE outbox;
                ALTER TABLE outbox_new RENAME TO outbox;
                CREATE INDEX outbox_queue ON outbox(state, urgent DESC, seq);
                CREATE INDEX outbox_by_response ON outbox(response) WHERE response IS NOT NULL;
                """)
        }
        migrator.registerMigration("v4-visits-declined-outcome") { db in
            // Lets a knock say the resident declined consent; SQLite cannot change a CHECK in
            // place, so the table is rebuilt with the same rows.
            try db.execute(sql: """
                CREATE TABLE visits_new (
                    id TEXT PRIMARY KEY NOT NULL,
                    campaign TEXT NOT NULL,
                    address TEXT NOT NULL,
                    outcome TEXT NOT NULL
                        CHECK (outcome IN ('no-answer', 'refused', 'card-left', 'revisit', 'surveyed', 'declined')),
                    note TEXT,
                    at TEXT NOT NULL,
                    device TEXT NOT NULL,
                    stamp TEXT NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO visits_new SELECT id, campaign, address, outcome, note, at, device, stamp FROM visits;
                DROP TABLE visits;
                ALTER TABLE visits_new RENAME TO visits;
                CREATE INDEX visits_by_address ON visits(campaign, address, stamp);
                """)
        }
        migrator.registerMigration("v5-door-outcomes") { db in
            // Lets a knock say do-not-contact, moved or empty, and a revisit carry when to come
            // back; SQLite cannot change a CHECK in place, so the table is rebuilt.
            try db.execute(sql: """
                CREATE TABLE visits_new (
                    id TEXT PRIMARY KEY NOT NULL,
                    campaign TEXT NOT NULL,
                    address TEXT NOT NULL,
                    outcome TEXT NOT NULL CHECK (outcome IN (
                        'no-answer', 'refused', 'card-left', 'revisit', 'surveyed', 'declined',
                        'do-not-contact', 'moved', 'empty')),
                    note TEXT,
                    call_back TEXT,
                    at TEXT NOT NULL,
                    device TEXT NOT NULL,
                    stamp TEXT NOT NULL
                ) WITHOUT ROWID;
                INSERT INTO visits_new (id, campaign, address, outcome, note, at, device, stamp)
                    SELECT id, campaign, address, outcome, note, at, device, stamp FROM visits;
                DROP TABLE visits;
                ALTER TABLE visits_new RENAME TO visits;
                CREATE INDEX visits_by_address ON visits(campaign, address, stamp);
                """)
        }
        migrator.registerMigration("v6-one-draft-per-door") { db in
            // One draft per door: where a door has several, the most recently saved stays and the
            // others move, unchanged, to superseded_drafts (listed by doorstep drafts superseded).
            // A draft can be stopped at the review, and resumes there.
            try db.execute(sql: """
                CREATE TABLE superseded_drafts (
                    id TEXT PRIMARY KEY NOT NULL,
                    campaign TEXT NOT NULL,
                    address TEXT NOT NULL,
                    form TEXT NOT NULL,
                    form_version TEXT NOT NULL,
                    answers TEXT NOT NULL,
                    position TEXT,
                    at_review INTEGER NOT NULL DEFAULT 0,
                    started_at TEXT NOT NULL,
                    updated_at TEXT NOT NULL,
                    superseded_at TEXT NOT NULL
                ) WITHOUT ROWID;
                ALTER TABLE drafts ADD COLUMN at_review INTEGER NOT NULL DEFAULT 0;
                INSERT INTO superseded_drafts
                    (id, campaign, address, form, form_version, answers, position, started_at, updated_at, superseded_at)
                    SELECT d.id, d.campaign, d.address, d.form, d.form_version, d.answers, d.position,
                        d.started_at, d.updated_at, strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
                    FROM drafts d
                    WHERE EXISTS (
                        SELECT 1 FROM drafts n WHERE n.campaign = d.campaign AND n.address = d.address
                            AND (n.updated_at > d.updated_at OR (n.updated_at = d.updated_at AND n.id > d.id))
                    );
                DELETE FROM drafts WHERE id IN (SELECT id FROM superseded_drafts);
                CREATE UNIQUE INDEX drafts_one_per_door ON drafts(campaign, address);
                """)
        }
        migrator.registerMigration("v7-added-addresses") { db in
            // A door an officer added on the day (address.add): who added it, "this laptop" until
            // the server's walk list names the token.
            try db.execute(sql: "ALTER TABLE addresses ADD COLUMN added_by TEXT")
        }
        migrator.registerMigration("v8-retention") { db in
            // A response may be marked `expired` (the server purged answers past their retention
            // period), and notes when it was last fully synced: its answers stay on this laptop
            // until then plus the campaign's device retention (NULL: the default). SQLite cannot
            // change a CHECK constraint in place, so the table is rebuilt.
            try db.execute(sql: """
                ALTER TABLE campaigns ADD COLUMN device_retention TEXT;
                CREATE TABLE responses_new (
                    id TEXT PRIMARY KEY NOT NULL,
                    campaign TEXT NOT NULL,
                    address TEXT NOT NULL,
                    form TEXT NOT NULL,
                    form_version TEXT NOT NULL,
                    device TEXT NOT NULL,
                    recorded_at TEXT NOT NULL,
                    erased TEXT CHECK (erased IN ('sensitive', 'expired', 'all')),
                    synced_at TEXT
                );
                INSERT INTO responses_new (id, campaign, address, form, form_version, device, recorded_at, erased)
                    SELECT id, campaign, address, form, form_version, device, recorded_at, erased FROM responses;
                DROP TABLE responses;
                ALTER TABLE responses_new RENAME TO responses;
                CREATE INDEX responses_by_campaign ON responses(campaign, recorded_at);
                CREATE INDEX responses_by_address ON responses(campaign, address);
                """)
        }
        migrator.registerMigration("v9-agency-keys-and-worklist") { db in
            // The partner agencies and the public key each answer routed to them is sealed to
            // (from every pull, or added by hand without a server); on an agency's own laptop, its
            // worklist as the server last sent it (sealed answers as received), read offline.
            try db.execute(sql: """
                CREATE TABLE agencies (
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    key_id TEXT NOT NULL,
                    public_key TEXT NOT NULL,
                    updated_at TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE agency_worklist (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    agency TEXT NOT NULL,
                    list TEXT NOT NULL,
                    fetched_at TEXT NOT NULL
                );
                """)
        }
        return migrator
    }
}
