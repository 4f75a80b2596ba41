import DoorstepCore
import Foundation
import GRDB

extension ServerDatabase {
    /// The schema, one named migration per shipped change; never edit a shipped migration.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE meta(
                    key TEXT PRIMARY KEY NOT NULL,
                    value TEXT NOT NULL
                ) WITHOUT ROWID;

                CREATE TABLE tokens(
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    role TEXT NOT NULL CHECK (role IN ('collector', 'organiser', 'viewer', 'admin')),
                    hash TEXT NOT NULL UNIQUE,
                    created_at TEXT NOT NULL,
                    revoked_at TEXT
                );

                CREATE TABLE forms(
                    id TEXT NOT NULL,
                    version TEXT NOT NULL,
                    source TEXT NOT NULL,
                    published_seq INTEGER NOT NULL,
                    published_at TEXT NOT NULL,
                    PRIMARY KEY (id, version)
                );
                CREATE INDEX forms_seq ON forms(published_seq);

                CREATE TABLE campaigns(
                    id TEXT PRIMARY KEY NOT NULL,
                    name TEXT NOT NULL,
                    form TEXT NOT NULL,
                    date TEXT,
                    area TEXT,
                    suppression_threshold INTEGER NOT NULL DEFAULT 5,
                    created_at TEXT NOT NULL,
                    changed_seq INTEGER NOT NULL
                );
                CREATE INDEX campaigns_seq ON campaigns(changed_seq);

                CREATE TABLE addresses(
                    campaign TEXT NOT NULL REFERENCES campaigns(id),
                    id TEXT NOT NULL,
                    address TEXT NOT NULL,
                    postcode TEXT,
                    street TEXT,
                    area TEXT,
                    uprn TEXT,
                    notes_json TEXT NOT NULL DEFAULT '{}',
                    position INTEGER NOT NULL,
                    PRIMARY KEY (campaign, id)
                ) WITHOUT ROWID;

                CREATE TABLE visits(
                    id TEXT PRIMARY KEY NOT NULL,
                    campaign TEXT NOT NULL REFERENCES campaigns(id),
                    address TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    note TEXT,
                    at TEXT NOT NULL,
                    device TEXT NOT NULL,
                    token_id TEXT NOT NULL,
                    stamp TEXT NOT NULL,
                    changed_seq INTEGER NOT NULL
                );
                CREATE INDEX visits_seq ON visits(changed_seq);
                CREATE INDEX visits_address ON visits(campaign, address);

                CREATE TABLE responses(
                    number INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    campaign TEXT NOT NULL REFERENCES campaigns(id),
                    address TEXT NOT NULL,
                    form TEXT NOT NULL,
                    form_version TEXT NOT NULL,
                    recorded_at TEXT NOT NULL,
                    device TEXT NOT NULL,
                    token_id TEXT NOT NULL,
                    erased TEXT CHECK (erased IN ('sensitive', 'all')),
                    answers_json TEXT NOT NULL,
                    stamp TEXT NOT NULL,
                    fields_json TEXT,
                    changed_seq INTEGER NOT NULL
                );
                CREATE INDEX responses_seq ON responses(changed_seq);
                CREATE INDEX responses_token_seq ON responses(token_id, changed_seq);
                CREATE INDEX responses_campaign ON responses(campaign);

                CREATE TABLE field_writes(
                    response INTEGER NOT NULL,
                    field TEXT NOT NULL,
                    stamp TEXT NOT NULL,
                    aliases_json TEXT,
                    base TEXT,
                    resolves_json TEXT,
                    value_json TEXT,
                    device TEXT NOT NULL,
                    operation INTEGER NOT NULL,
                    PRIMARY KEY (response, field, stamp)
                ) WITHOUT ROWID;

                CREATE TABLE conflicts(
                    id TEXT PRIMARY KEY NOT NULL,
                    response TEXT NOT NULL,
                    campaign TEXT NOT NULL,
                    field TEXT NOT NULL,
                    stamp TEXT NOT NULL,
                    value_json TEXT,
                    device TEXT NOT NULL
                );
                CREATE INDEX conflicts_campaign ON conflicts(campaign);
                CREATE INDEX conflicts_field ON conflicts(response, field);

                CREATE TABLE tallies(
                    campaign TEXT NOT NULL,
                    dimension TEXT NOT NULL,
                    question TEXT NOT NULL,
                    bucket TEXT NOT NULL,
                    count INTEGER NOT NULL,
                    PRIMARY KEY (campaign, dimension, question, bucket)
                ) WITHOUT ROWID;

                CREATE TABLE operations(
                    seq INTEGER PRIMARY KEY AUTOINCREMENT,
                    id TEXT NOT NULL UNIQUE,
                    received_at TEXT NOT NULL,
                    device TEXT NOT NULL,
                    token_id TEXT NOT NULL,
                    type TEXT NOT NULL,
                    stamp TEXT NOT NULL,
                    applied_stamp TEXT NOT NULL,
                    response INTEGER,
                    payload_json TEXT NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('applied', 'rejected')),
                    reason TEXT,
                    conflicts INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX operations_response ON operations(response);
                CREATE TRIGGER operations_append_only BEFORE DELETE ON operations
                BEGIN
                    SELECT RAISE(ABORT, 'The operation log is append-only.');
                END;

                CREATE TABLE audit_log(
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at TEXT NOT NULL,
                    token_name TEXT NOT NULL,
                    role TEXT NOT NULL,
                    action TEXT NOT NULL,
                    campaign TEXT,
                    detail TEXT
                );
                """)
            try db.execute(
                sql: "INSERT INTO meta(key, value) VALUES ('epoch', ?), ('seq', '0')",
                arguments: [UUID().lowercasedString]
            )
        }
        migrator.registerMigration("v2-unapplied-operations") { db in
            // Operations not applied keep a bounded record, not their payload: the device keeps the
            // payload (it sends a held one again, and shows a rejected one with its reason).
            try db.execute(sql: """
                CREATE TABLE unapplied_operations(
                    id TEXT PRIMARY KEY NOT NULL,
                    status TEXT NOT NULL CHECK (status IN ('held', 'rejected')),
                    first_received_at TEXT NOT NULL,
                    last_received_at TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 1,
                    device TEXT NOT NULL,
                    token_id TEXT NOT NULL,
                    type TEXT NOT NULL,
                    response TEXT,
                    reason TEXT NOT NULL,
                    size INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX unapplied_operations_token ON unapplied_operations(token_id, status);
                """)
        }
        migrator.registerMigration("v3-snapshots") { db in try createSnapshots(SQLiteSession(db)) }
        migrator.registerMigration("v4-visit-call-back") { db in
            // A revisit carries when to come back, as the resident said it.
            try db.execute(sql: "ALTER TABLE visits ADD COLUMN call_back TEXT")
        }
        migrator.registerMigration("v5-added-addresses") { db in
            // A door an officer added on the day (address.add) names the token that added it.
            try db.execute(sql: "ALTER TABLE addresses ADD COLUMN added_by TEXT")
        }
        migrator.registerMigration("v6-version-tallies") { db in
            // Each response's figures in its form version's dimension too.
            try recount(db) { key, version in
                key.dimension == TallyKey.allDimension
                    ? TallyKey(dimension: TallyKey.versionDimension(version), question: key.question, bucket: key.bucket) : nil
            }
        }
        migrator.registerMigration("v7-door-locations") { db in
            // Where a door is, when the walk list says: degrees, or British National Grid metres.
            try db.execute(sql: """
                ALTER TABLE addresses ADD COLUMN latitude REAL;
                ALTER TABLE addresses ADD COLUMN longitude REAL;
                ALTER TABLE addresses ADD COLUMN easting REAL;
                ALTER TABLE addresses ADD COLUMN northing REAL;
                """)
        }
        migrator.registerMigration("v8-text-tallies") { db in
            // Free text counted by normalised text; the figures read only texts given often enough,
            // through this index, however many different texts there are.
            try db.execute(sql: """
                CREATE INDEX tallies_text_counts ON tallies(campaign, question, count) WHERE dimension = '~text'
                """)
            try recount(db) { key, _ in key.dimension == TallyKey.textDimension ? key : nil }
        }
        migrator.registerMigration("v9-campaign-retention") { db in
            // A campaign's cap on how long answers are kept (NULL: the form's periods), and how
            // long laptops keep answers once synced.
            try db.execute(sql: """
                ALTER TABLE campaigns ADD COLUMN retention TEXT;
                ALTER TABLE campaigns ADD COLUMN device_retention TEXT NOT NULL DEFAULT '30 days';
                """)
            // A response may be marked `expired` (the purge's scope): SQLite changes a CHECK by
            // building the table again (https://www.sqlite.org/lang_altertable.html#otheralter).
            try db.execute(sql: """
                CREATE TABLE responses_new(
                    number INTEGER PRIMARY KEY,
                    id TEXT NOT NULL UNIQUE,
                    campaign TEXT NOT NULL REFERENCES campaigns(id),
                    address TEXT NOT NULL,
                    form TEXT NOT NULL,
                    form_version TEXT NOT NULL,
                    recorded_at TEXT NOT NULL,
                    device TEXT NOT NULL,
                    token_id TEXT NOT NULL,
                    erased TEXT CHECK (erased IN ('sensitive', 'expired', 'all')),
                    answers_json TEXT NOT NULL,
                    stamp TEXT NOT NULL,
                    fields_json TEXT,
                    changed_seq INTEGER NOT NULL
                );
                INSERT INTO responses_new(number, id, campaign, address, form, form_version, recorded_at, device, token_id,
                                          erased, answers_json, stamp, fields_json, changed_seq)
                SELECT number, id, campaign, address, form, form_version, recorded_at, device, token_id,
                       erased, answers_json, stamp, fields_json, changed_seq FROM responses;
                DROP TABLE responses;
                ALTER TABLE responses_new RENAME TO responses;
                CREATE INDEX responses_seq ON responses(changed_seq);
                CREATE INDEX responses_token_seq ON responses(token_id, changed_seq);
                CREATE INDEX responses_campaign ON responses(campaign);
                """)
        }
        migrator.registerMigration("v10-agencies") { db in try createAgencies(SQLiteSession(db)) }
        return migrator
    }

    /// Adds to the tallies what the responses stored so far contribute in a dimension that came
    /// after them, as the push path would have counted it: `placed` turns one of a response's keys
    /// (``Tally/Plan/keys(of:)``) and its form version into the key to count, or `nil`.
    private static func recount(_ db: Database, _ placed: (TallyKey, String) -> TallyKey?) throws {
        var counts: [[String]: Int] = [:]
        let decoder = JSONDecoder()
        let groups = try Row.fetchAll(db, sql: """
            SELECT DISTINCT r.campaign, r.form, r.form_version, f.source FROM responses r
            JOIN forms f ON f.id = r.form AND f.version = r.form_version
            WHERE r.erased IS NOT 'all'
            """)
        for group in groups {
            let campaign: String = group["campaign"], version: String = group["form_version"]
            let plan = Tally.Plan(form: try FormDefinition.parse(yaml: group["source"]))
            let answers = try String.fetchCursor(db, sql: """
                SELECT answers_json FROM responses WHERE campaign = ? AND form = ? AND form_version = ? AND erased IS NOT 'all'
                """, arguments: [campaign, group["form"], version])
            while let json = try answers.next() {
                let decoded = try decoder.decode(Answers.self, from: Data(json.utf8))
                for key in plan.keys(of: decoded) {
                    guard let key = placed(key, version) else { continue }
                    counts[[campaign, key.dimension, key.question, key.bucket], default: 0] += 1
                }
            }
        }
        for (key, count) in counts {
            try db.execute(
                sql: "INSERT INTO tallies(campaign, dimension, question, bucket, count) VALUES (?, ?, ?, ?, ?)",
                arguments: [key[0], key[1], key[2], key[3], count]
            )
        }
    }
}
