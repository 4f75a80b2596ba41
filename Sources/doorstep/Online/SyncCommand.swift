import ArgumentParser
import DoorstepCore
import DoorstepLogging
import DoorstepStore
import DoorstepSync
import DoorstepTransport
import Foundation
import Logging

/// `doorstep sync`: push what was recorded, pull what others did.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Push pending changes, then pull forms, campaigns, walk lists, visit status and merged records.",
        discussion: """
            Safe to interrupt and to run again: nothing is lost or doubled. Only one sync runs at a \
            time on a laptop; a second one exits 75. A server that cannot be connected to at all \
            (no network, nothing listening, an unknown name) is given up within seconds, unless \
            --retry-max-time asks to keep trying; a connection that fails during the sync is retried \
            for up to 120 seconds (or --retry-max-time). The server applies each change, holds it \
            (it lacks what the change needs, such as a campaign not created yet: it is sent again at \
            every sync) or rejects it (kept here with the reason until you discard it). Exit codes: \
            0 everything delivered, 75 something held, the server unreachable or another sync \
            running (try later), 65 something rejected, 77 token refused, 64 not logged in.

            Every sync also brings the partnership's agencies and the public keys residents' \
            contact details are sealed to. On a partner agency's laptop (logged in with an agency \
            token) sync pushes the outcomes recorded there and refreshes the agency's follow-ups \
            instead of pulling (see doorstep followups).

            Examples:
              doorstep sync
              doorstep sync --json --quiet     # for the overnight job
              doorstep sync --json --quiet --log-format json   # stderr for a log pipeline
            """
    )

    @OptionGroup var home: HomeOptions
    @OptionGroup var connection: ConnectionOptions
    @Flag(name: .long, help: "Print a JSON summary on stdout (pushed, pulled, conflicts, held, rejected).") var json = false
    @Flag(name: .long, help: "Print nothing on success; log only warnings and errors.") var quiet = false
    @Option(name: .customLong("batch-size"), help: ArgumentHelp("Operations per push request.", valueName: "count"))
    var batchSize = 2000
    @Option(help: "How lines on stderr are written: text, or json (one object per line, errors included).")
    var logFormat = LogFormat.text

    func validate() throws {
        guard (1...5000).contains(batchSize) else { throw ValidationError("--batch-size must be from 1 to 5000.") }
    }

    func run() async throws {
        let logger = connection.logger("doorstep.sync", quiet: quiet, format: logFormat)
        guard logFormat == .json else { return try await sync(logger: logger) }
        // Everything on stderr is then a JSON line: the error that ends the sync is logged, and
        // exits with its code and nothing more to print.
        do {
            try await sync(logger: logger)
        } catch let error as any ExitCodeProviding {
            for line in error.messageLines { logger.error("\(line)") }
            throw CLIError(error.exitCode, lines: [])
        } catch {
            logger.error("\(String(describing: error))")
            throw CLIError(.failure, lines: [])
        }
    }

    /// Pushes and pulls, writes the summary, and throws the error that sets the exit code.
    private func sync(logger: Logger) async throws {
        let lock = try SyncLock(home: try home.homeURL())
        let session = try OnlineSession(home: home, connection: connection, logger: logger)
        let engine = SyncEngine(
            store: session.store, api: session.api,
            options: SyncEngine.Options(batchSize: batchSize, waitsForServer: connection.waitsForServer), logger: logger
        )
        let bar = !json && !quiet && logFormat == .text && ProgressBar.isWanted ? ProgressBar() : nil
        let summary: SyncSummary
        do {
            summary = try await engine.run { progress in bar?.update(progress) }
        } catch SyncError.unreachable(let error) where error.isNoConnection {
            bar?.finish()
            let pending = try session.store.pendingCount()
            throw CLIError(.tryLater, Self.noConnection(error, server: session.api.server, pending: pending))
        } catch {
            bar?.finish()
            throw error
        }
        bar?.finish()
        withExtendedLifetime(lock) {}
        let undelivered = summary.held + summary.rejected
        for concern in undelivered where concern.safeguarding {
            if logFormat == .json {
                logger.warning("\(UndeliveredText.safeguardingWarning(concern))")
            } else {
                Console.error(UndeliveredText.safeguardingWarning(concern))
            }
        }
        if json {
            try Console.json(summary)
        } else if !quiet {
            print(Self.sentence(summary))
            for line in UndeliveredText.groups(undelivered) { print(line) }
        }
        if !summary.rejected.isEmpty {
            throw CLIError(
                .dataError,
                "\(UndeliveredText.count(summary.rejected.count, "change")) rejected by the server \(summary.rejected.count == 1 ? "is" : "are") kept on this laptop; see doorstep status, then correct the record or discard the change (doorstep discard OP_ID)."
            )
        }
        if !summary.held.isEmpty {
            throw CLIError(
                .tryLater,
                "\(UndeliveredText.count(summary.held.count, "change")) held by the server will be sent again at the next sync."
            )
        }
    }

    /// The one line for a server that could not be connected to at all.
    static func noConnection(_ error: TransportError, server: URL, pending: Int) -> String {
        let reason: String
        switch error {
        case .cannotResolveHost: reason = "its name \(server.host ?? server.absoluteString) cannot be found"
        case .cannotConnect(_, let detail): reason = detail
        default: reason = error.description
        }
        let safe = switch pending {
        case 0: "nothing waits to be sent"
        case 1: "your 1 pending change is safe on this laptop"
        default: "your \(pending) pending changes are safe on this laptop"
        }
        return "Cannot reach \(server.absoluteString) (\(reason)); \(safe). Try again later."
    }

    /// The summary as people read it.
    static func sentence(_ summary: SyncSummary) -> String {
        let count = UndeliveredText.count
        var text = "Pushed \(count(summary.pushed, "change")), pulled \(count(summary.pulled, "record"))"
        if summary.conflicts > 0 { text += ", \(count(summary.conflicts, "value")) kept in conflict for organisers" }
        if summary.heldNow > 0 { text += ", \(count(summary.heldNow, "change")) held by the server" }
        if summary.rejectedNow > 0 { text += ", \(count(summary.rejectedNow, "change")) rejected" }
        if summary.pending > 0 { text += "; \(summary.pending) recorded meanwhile wait for the next sync" }
        if summary.dropped > 0 {
            text += "; the answers of \(count(summary.dropped, "response")) synced longer ago than the campaign keeps them on laptops "
                + "were removed from this laptop (door status kept)"
        }
        return text + "."
    }
}
