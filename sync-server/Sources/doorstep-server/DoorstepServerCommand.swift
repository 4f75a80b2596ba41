#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ArgumentParser
import DoorstepCore
import DoorstepWire
import DoorstepServer
import Foundation
import Hummingbird
import Logging

/// `doorstep-server`: runs the companion server and administers its data directory.
@main
struct DoorstepServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doorstep-server",
        abstract: "The Doorstep companion server: merges what devices push, serves what they pull.",
        discussion: """
            Every command takes --data DIR (default: $DOORSTEP_DATA).

            Examples:
              doorstep-server forms publish forms/community-safety.yaml
              doorstep-server campaigns create --id west-end --name "West End" --form community-safety --addresses walk.csv
              doorstep-server tokens create --role collector --name "Amira (laptop 3)"
              doorstep-server serve --host 127.0.0.1 --port 8080
            """,
        subcommands: [
            Serve.self, Forms.self, Campaigns.self, Tokens.self, Backup.self, Restore.self, ClockCommand.self,
            CampaignAlias.self, TokenAlias.self,
        ]
    )

    /// Runs the command with a umask of 077: every file the server writes (its database and
    /// journal files, backups) holds personal data and is its user's alone.
    static func main() async {
        umask(0o077)
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

/// The data directory option every subcommand takes.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "The server's data directory (default: $DOORSTEP_DATA).")
    var data: String?

    func validate() throws {
        guard path != nil else {
            throw ValidationError("No data directory: pass --data DIR or set DOORSTEP_DATA.")
        }
    }

    /// `--data`, else `$DOORSTEP_DATA`.
    var path: String? {
        if let data, !data.isEmpty { return data }
        return ProcessInfo.processInfo.environment["DOORSTEP_DATA"].flatMap { $0.isEmpty ? nil : $0 }
    }

    var directory: URL { URL(fileURLWithPath: path ?? ".") }

    func open() throws -> ServerDatabase {
        try ServerDatabase(directory: directory)
    }
}

/// Maps failures to sysexits codes and prints them as one sentence on stderr.
enum Failure {
    /// Runs `body`, turning domain errors into an exit code.
    static func run(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as FormError {
            throw report(error.description, code: 65)
        } catch let error as WalkListError {
            throw report(error.description, code: 65)
        } catch let error as AdminError {
            throw report(error.message, code: 65)
        } catch let error as ExitCode {
            throw error
        } catch {
            throw report("\(error)", code: 1)
        }
    }

    static func report(_ message: String, code: Int32) -> ExitCode {
        FileHandle.standardError.write(Data("doorstep-server: \(message)\n".utf8))
        return ExitCode(code)
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the server; prints the URL it listens on, stops on SIGTERM or SIGINT.",
        discussion: """
            Examples:
              doorstep-server serve --data /var/lib/doorstep --host 127.0.0.1 --port 8080
              doorstep-server serve --port 0 --log-level warning     # a free port, printed
            """
    )

    @OptionGroup var data: DataOptions
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on; 0 picks a free one.") var port = 8080
    @Option(help: "Seconds a device's clock may run ahead before the server re-stamps its writes.")
    var maxClockDrift = 300
    @Option(help: "The most operations one push may carry.") var maxBatch = 5_000
    @Option(help: "Seconds a connection may stay open with no request under way.") var idleTimeout = 60.0
    @Option(help: "Seconds a client may take to send a request's head, from its first byte; then 408.")
    var headerTimeout = 20.0
    @Option(help: "Seconds a request's body may stall while it is read before the connection is closed.")
    var bodyTimeout = 30.0
    @Option(help: "The most connections open at once (default: the open-file limit less 128, at most 10000).")
    var maxConnections: Int?
    @Option(help: "Requests per token per quota window (0: no limit).") var quotaRequests = 60_000
    @Option(help: "Request-body MiB per token per quota window (0: no limit).") var quotaMib = 1_024
    @Option(help: "The quota window in seconds.") var quotaWindow = 60
    @Option(help: "/healthz answers 503 when the data directory's disk has fewer MiB free.") var minFreeMib = 64
    @Option(help: "The least severe log level written to stderr (trace, debug, info, notice, warning, error, critical).")
    var logLevel = "info"

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("The port must be between 0 and 65535.") }
        guard maxClockDrift >= 0 else { throw ValidationError("The clock drift cannot be negative.") }
        guard maxBatch >= 1 else { throw ValidationError("The batch limit must be at least 1.") }
        for (name, seconds) in [("idle", idleTimeout), ("header", headerTimeout), ("body", bodyTimeout)] {
            guard seconds > 0, seconds <= 86_400 else {
                throw ValidationError("The \(name) timeout must be more than 0 and at most 86400 seconds.")
            }
        }
        guard (maxConnections ?? 1) >= 1 else { throw ValidationError("The connection limit must be at least 1.") }
        guard quotaRequests >= 0, quotaMib >= 0 else { throw ValidationError("A quota cannot be negative.") }
        guard quotaWindow >= 1 else { throw ValidationError("The quota window must be at least 1 second.") }
        guard minFreeMib >= 0 else { throw ValidationError("The free space cannot be negative.") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("Unknown log level \(logLevel).") }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        OpenFileLimit.raise()
        let configuration = ServerConfiguration(
            host: host, port: port, dataDirectory: data.directory, maxClockDrift: .seconds(maxClockDrift),
            maxBatchSize: maxBatch,
            connections: ConnectionLimits(
                idleTimeout: .milliseconds(Int64(idleTimeout * 1_000)), headerTimeout: .milliseconds(Int64(headerTimeout * 1_000)),
                bodyTimeout: .milliseconds(Int64(bodyTimeout * 1_000)), maxConnections: maxConnections
            ),
            quota: QuotaLimits(window: .seconds(quotaWindow), requests: quotaRequests, bytes: Int64(quotaMib) * 1_048_576),
            minimumFreeBytes: Int64(minFreeMib) * 1_048_576, logLevel: level
        )
        let database: ServerDatabase
        do {
            database = try data.open()
        } catch {
            throw Failure.report("Cannot open the data directory \(data.directory.path): \(error)", code: 1)
        }
        do {
            try database.checkClock(maxDrift: configuration.maxClockDrift)
        } catch {
            try? database.close()
            throw Failure.report(error.description, code: 1)
        }
        let app = buildApplication(configuration: configuration, database: database)
        do {
            try await app.runService()
        } catch {
            try? database.close()
            throw Failure.report("The server stopped: \(error)", code: 1)
        }
        try database.close()
    }
}

/// `doorstep-server tokens`: who may sync, and as what.
struct Tokens: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Create, revoke and list access tokens.",
        discussion: """
            A token is printed once, when created; only its hash is kept. Names are unique among \
            live tokens: organisers see them in the conflict list and on added doors.

            Examples:
              doorstep-server tokens create --role collector --name "Amira (laptop 3)"
              doorstep-server tokens list
              doorstep-server tokens revoke 3f2a9c1e
            """,
        subcommands: [Create.self, Revoke.self, List.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token; it is printed once and only its hash is kept.",
            discussion: """
                Roles: collector (records and syncs its own work), organiser (sees and settles \
                everything), viewer (published figures only), admin. A name a live token has \
                already is refused (exit 65).

                Example: doorstep-server tokens create --role organiser --name "Sam (organiser)"
                """
        )
        @OptionGroup var data: DataOptions
        @Option(help: "collector, organiser, viewer or admin.") var role: String
        @Option(help: "Who or which laptop the token is for.") var name: String

        func validate() throws {
            guard Role(rawValue: role) != nil else {
                throw ValidationError("The role must be collector, organiser, viewer or admin.")
            }
            guard !name.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("The name cannot be empty.") }
        }

        func run() throws {
            try Failure.run {
                let created = try data.open().createToken(name: name, role: Role(rawValue: role) ?? .viewer)
                print(created.token)
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a token (given the token or its id); it stops working at once.",
            discussion: "Example: doorstep-server tokens revoke 3f2a9c1e"
        )
        @OptionGroup var data: DataOptions
        @Argument(help: "The token, or its id from `tokens list`.") var token: String

        func run() throws {
            try Failure.run {
                guard try data.open().revokeToken(token) else {
                    throw AdminError("No live token matches \(token).")
                }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List tokens (never the tokens themselves).",
            discussion: """
                Examples:
                  doorstep-server tokens list
                  doorstep-server tokens list --json
                """
        )
        @OptionGroup var data: DataOptions
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try Failure.run {
                let tokens = try data.open().tokens()
                if json {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                    print(String(decoding: try encoder.encode(tokens), as: UTF8.self))
                } else {
                    Table.print(
                        ["ID", "ROLE", "NAME", "CREATED", "STATE"],
                        tokens.map { [$0.id, $0.role.rawValue, $0.name, $0.createdAt, $0.revokedAt.map { "revoked \($0)" } ?? "live"] }
                    )
                }
            }
        }
    }
}

/// `doorstep-server forms`: the questionnaires devices pull.
struct Forms: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Publish and list forms.",
        discussion: """
            Examples:
              doorstep-server forms publish forms/community-safety.yaml
              doorstep-server forms list
            """,
        subcommands: [Publish.self, List.self]
    )

    struct Publish: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish a form (a new version if the id exists).",
            discussion: """
                Versions are immutable: publishing a changed file under a published version is \
                refused (exit 65).

                Example: doorstep-server forms publish forms/community-safety.yaml
                """
        )
        @OptionGroup var data: DataOptions
        @Argument(help: "The form's YAML file.") var file: String

        func run() throws {
            try Failure.run {
                let source: String
                do {
                    source = try String(contentsOfFile: file, encoding: .utf8)
                } catch {
                    throw AdminError("Cannot read \(file).")
                }
                let (form, isNew) = try data.open().publishForm(source: source)
                print(isNew ? "Published form \(form.id) version \(form.version)." : "Form \(form.id) version \(form.version) was already published.")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every published version of every form.",
            discussion: "Example: doorstep-server forms list --json"
        )
        @OptionGroup var data: DataOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let database = try data.open()
            let forms = try await database.publishedForms()
            try database.close()
            let rows = forms.map { form -> [String] in
                let title = (try? FormDefinition.parse(yaml: form.source).title) ?? "-"
                return [form.id, form.version, title]
            }
            if json {
                Table.printJSON(rows.map { ["id": $0[0], "version": $0[1], "title": $0[2]] })
            } else if rows.isEmpty {
                FileHandle.standardError.write(Data("No forms published yet: doorstep-server forms publish FILE.\n".utf8))
            } else {
                Table.print(["FORM", "VERSION", "TITLE"], rows)
            }
        }
    }
}

/// `doorstep-server campaigns`: days of action and their walk lists.
struct Campaigns: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create and list days of action, and publish their figures for viewers.",
        discussion: """
            Examples:
              doorstep-server campaigns create --id west-end --name "West End" --form community-safety --addresses walk.csv
              doorstep-server campaigns list
              doorstep-server campaigns publish west-end
            """,
        subcommands: [Create.self, List.self, Publish.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a day of action and its walk list.",
            discussion: """
                The walk list is CSV with a header row: id and address required; postcode, street, \
                area and uprn optional; other columns are kept as notes shown to officers.

                Example:
                  doorstep-server campaigns create --id west-end-2026-06 --name "West End day of action" \\
                    --form community-safety --addresses forms/west-end-walk-list.csv --date 2026-06-06
                """
        )
        @OptionGroup var data: DataOptions
        @Option(help: "The campaign's id.") var id: String
        @Option(help: "The campaign's name.") var name: String
        @Option(help: "The id of a published form.") var form: String
        @Option(help: "The walk list: CSV with id and address columns.") var addresses: String
        @Option(help: "The day, YYYY-MM-DD.") var date: String?
        @Option(help: "The area the day covers.") var area: String?
        @Option(help: "Counts below this are hidden from viewers.") var suppressionThreshold = 5

        func run() throws {
            try Failure.run {
                let text: String
                do {
                    text = try String(contentsOfFile: addresses, encoding: .utf8)
                } catch {
                    throw AdminError("Cannot read \(addresses).")
                }
                let walkList = try WalkListCSV.parse(text)
                try data.open().createCampaign(
                    id: id, name: name, form: form, date: date, area: area,
                    suppressionThreshold: suppressionThreshold, addresses: walkList
                )
                print("Created campaign \(id) with \(walkList.count) addresses.")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the campaigns with their form and walk-list size.",
            discussion: "Example: doorstep-server campaigns list --json"
        )
        @OptionGroup var data: DataOptions
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let database = try data.open()
            let campaigns = try await database.campaigns()
            try database.close()
            let rows = campaigns.map { campaign -> [String] in
                let added = campaign.addresses.filter { $0.addedBy != nil }.count
                return [campaign.id, campaign.name, campaign.date ?? "-", campaign.form, String(campaign.addresses.count), String(added)]
            }
            if json {
                Table.printJSON(rows.map {
                    ["id": $0[0], "name": $0[1], "date": $0[2], "form": $0[3], "addresses": $0[4], "added_on_the_day": $0[5]]
                })
            } else if rows.isEmpty {
                FileHandle.standardError.write(Data("No campaigns yet: doorstep-server campaigns create ...\n".utf8))
            } else {
                Table.print(["CAMPAIGN", "NAME", "DATE", "FORM", "ADDRESSES", "ADDED"], rows)
            }
        }
    }
}

/// `doorstep-server campaign …`, the earlier spelling of `campaigns`, kept for scripts.
struct CampaignAlias: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaign", shouldDisplay: false,
        subcommands: [Campaigns.Create.self, Campaigns.List.self, Campaigns.Publish.self]
    )
}

/// `doorstep-server token …`, the earlier spelling of `tokens`, kept for scripts.
struct TokenAlias: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", shouldDisplay: false,
        subcommands: [Tokens.Create.self, Tokens.Revoke.self, Tokens.List.self]
    )
}

/// Aligned columns on stdout, and the same rows as JSON, for the listing commands.
enum Table {
    static func print(_ header: [String], _ rows: [[String]]) {
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        for row in [header] + rows {
            let cells = row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }
            Swift.print(cells.joined(separator: "  "))
        }
    }

    static func printJSON(_ rows: [[String: String]]) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        Swift.print(String(decoding: (try? encoder.encode(rows)) ?? Data("[]".utf8), as: UTF8.self))
    }
}


struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the database to a file with SQLite's online backup; safe while serving.",
        discussion: "Example: doorstep-server backup --data /var/lib/doorstep --output /backups/doorstep-2026-06-06.sqlite"
    )
    @OptionGroup var data: DataOptions
    @Option(help: "The backup file to write; must not exist.") var output: String

    func run() throws {
        try Failure.run {
            try data.open().backup(to: URL(fileURLWithPath: output))
        }
    }
}

struct Restore: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replace the database with a backup and start a new epoch; run with the server stopped.",
        discussion: "Example: doorstep-server restore --data /var/lib/doorstep /backups/doorstep-2026-06-06.sqlite"
    )
    @OptionGroup var data: DataOptions
    @Argument(help: "A file written by `doorstep-server backup`.") var file: String

    func run() throws {
        try Failure.run {
            let epoch = try ServerDatabase.restore(from: URL(fileURLWithPath: file), into: data.directory)
            print("Restored; new epoch \(epoch). Devices will re-send what the backup lacks.")
        }
    }
}

struct ClockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clock", abstract: "Deal with a saved clock that is ahead of this machine's clock.",
        discussion: "Example: doorstep-server clock accept --data /var/lib/doorstep",
        subcommands: [Accept.self]
    )

    struct Accept: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Continue from this machine's clock when the saved one is ahead (serve refuses to start then); run with the server stopped.",
            discussion: "Example: doorstep-server clock accept --data /var/lib/doorstep"
        )
        @OptionGroup var data: DataOptions

        func run() throws {
            try Failure.run {
                let saved = try ServerDatabase.acceptWallClock(in: data.directory)
                let was = saved.map { Date(timeIntervalSince1970: Double($0.physical) / 1_000).formatted(.iso8601) } ?? "none"
                print("The saved clock (was \(was)) now follows this machine's clock (\(Date().formatted(.iso8601))).")
            }
        }
    }
}

/// The process's limit on open files, which caps how many connections it can hold.
enum OpenFileLimit {
    /// Raises the soft limit to the hard one, as servers do, so the connection cap's default
    /// (``ConnectionLimits/defaultMaxConnections()``) is not held at a login shell's 1,024.
    static func raise() {
        var limit = rlimit()
        #if os(Linux)
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
        let resource = RLIMIT_NOFILE
        #endif
        guard getrlimit(resource, &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(resource, &limit)
    }
}
