import ArgumentParser
import DoorstepCore
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
        subcommands: [Serve.self, Token.self, Forms.self, Campaign.self, Backup.self, Restore.self]
    )
}

/// The data directory option every subcommand takes.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "The server's data directory.")
    var data: String

    var directory: URL { URL(fileURLWithPath: data) }

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
    static let configuration = CommandConfiguration(abstract: "Run the server; prints the URL it listens on, stops on SIGTERM or SIGINT.")

    @OptionGroup var data: DataOptions
    @Option(help: "The address to listen on.") var host = "127.0.0.1"
    @Option(help: "The port to listen on; 0 picks a free one.") var port = 8080
    @Option(help: "Seconds a device's clock may run ahead before the server re-stamps its writes.")
    var maxClockDrift = 300
    @Option(help: "The most operations one push may carry.") var maxBatch = 5_000
    @Option(help: "The least severe log level written to stderr (trace, debug, info, notice, warning, error, critical).")
    var logLevel = "info"

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("The port must be between 0 and 65535.") }
        guard maxClockDrift >= 0 else { throw ValidationError("The clock drift cannot be negative.") }
        guard maxBatch >= 1 else { throw ValidationError("The batch limit must be at least 1.") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("Unknown log level \(logLevel).") }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let configuration = ServerConfiguration(
            host: host, port: port, dataDirectory: data.directory, maxClockDrift: .seconds(maxClockDrift),
            maxBatchSize: maxBatch, logLevel: level
        )
        let database: ServerDatabase
        do {
            database = try data.open()
        } catch {
            throw Failure.report("Cannot open the data directory \(data.data): \(error)", code: 1)
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

struct Token: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create, revoke and list access tokens.", subcommands: [Create.self, Revoke.self, List.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a token; it is printed once and only its hash is kept.")
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
        static let configuration = CommandConfiguration(abstract: "Revoke a token (given the token or its id); it stops working at once.")
        @OptionGroup var data: DataOptions
        @Argument(help: "The token, or its id from `token list`.") var token: String

        func run() throws {
            try Failure.run {
                guard try data.open().revokeToken(token) else {
                    throw AdminError("No live token matches \(token).")
                }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (never the tokens themselves).")
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
                    for token in tokens {
                        let state = token.revokedAt.map { "revoked \($0)" } ?? "live"
                        print("\(token.id)\t\(token.role.rawValue)\t\(token.name)\t\(state)")
                    }
                }
            }
        }
    }
}

struct Forms: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Publish forms.", subcommands: [Publish.self])

    struct Publish: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Publish a form (a new version if the id exists).")
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
}

struct Campaign: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create days of action and publish their figures for viewers.", subcommands: [Create.self, Publish.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a day of action and its walk list.")
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
}

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Copy the database to a file with SQLite's online backup; safe while serving.")
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
        abstract: "Replace the database with a backup and start a new epoch; run with the server stopped."
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
