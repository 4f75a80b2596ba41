import ArgumentParser
import DoorstepCore
import DoorstepStore
import DoorstepSync
import Foundation

/// `doorstep progress`: the organiser's live view of a campaign, from the server.
struct ProgressCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "progress",
        abstract: "Organisers: how the day stands now — laptops, streets, knocks per hour, safeguarding concerns.",
        discussion: """
            Asks the server (no sync needed): each laptop's last contact and what it brought (by \\
            the officer's token name), doors knocked and surveyed per street against the walk list, \\
            knocks per hour, safeguarding concerns as they land with their age, and doors marked \\
            do-not-contact. --watch redraws it every --every seconds until Ctrl-C. Viewers and \\
            collectors are refused (77).

            Examples:
              doorstep progress
              doorstep progress --campaign west-end --watch --every 60
              doorstep progress --json
              doorstep progress --link         # the same page for a browser on the wall
            """
    )

    @OptionGroup var home: HomeOptions
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var choice: CampaignChoice
    @Flag(help: "Redraw every --every seconds until Ctrl-C.") var watch = false
    @Option(help: ArgumentHelp("Seconds between redraws with --watch.", valueName: "seconds")) var every = 30
    @Flag(name: .long, help: "Print JSON on stdout.") var json = false
    @Flag(help: "Print a link to the live page for a browser (works for twelve hours, no token needed).")
    var link = false

    func validate() throws {
        guard (5...3_600).contains(every) else { throw ValidationError("--every is 5 to 3600 seconds.") }
        if watch && json { throw ValidationError("--watch draws for a person; --json is for a script. Give one.") }
        if link && (watch || json) { throw ValidationError("--link prints a link only; give it alone.") }
    }

    func run() async throws {
        let session = try OnlineSession(home: home, connection: connection, logger: connection.logger("doorstep.progress"))
        let campaign = try choice.campaign ?? choice.resolve(session.store, home: home).id
        if link {
            let live = try await session.api.liveLink(campaign: campaign)
            Console.error("Open it in a browser; it reloads itself every 30 seconds and works until \(DoorNotice.localTime(live.expiresAt)).")
            Console.out(live.url)
            return
        }
        repeat {
            let progress = try await session.api.progress(campaign: campaign)
            if json {
                try Console.json(progress)
                return
            }
            if watch { FileHandle.standardOutput.write(Data("\u{1B}[H\u{1B}[2J".utf8)) }
            Console.out(Self.text(progress, now: Date()).joined(separator: "\n"))
            if watch { try await Task.sleep(for: .seconds(every)) }
        } while watch
    }

    /// The view as lines of text, ages counted from `now`.
    static func text(_ progress: CampaignProgress, now: Date) -> [String] {
        var lines = ["\(progress.name) (\(progress.campaign)) — at \(DoorNotice.localTime(progress.generatedAt))", ""]
        let total = progress.total
        lines.append("Doors: \(total.knocked) of \(total.doors) knocked, \(total.surveyed) surveyed.")
        if !progress.concerns.isEmpty {
            lines.append("")
            lines.append("SAFEGUARDING CONCERNS (\(progress.concerns.count))")
            for concern in progress.concerns {
                lines.append("  \(concern.address)  \(concern.officer)  \(ElapsedTime.since(concern.recordedAt, now: now)) ago  response \(concern.response.prefix(8))")
            }
        }
        if !progress.doNotContact.isEmpty {
            lines.append("")
            lines.append("Do not contact: \(progress.doNotContact.joined(separator: ", "))")
        }
        lines.append("")
        lines += Console.tableLines(["LAPTOP", "OFFICER", "LAST HEARD", "KNOCKS", "RESPONSES"], progress.laptops.map {
            [String($0.device.prefix(8)), $0.officer, $0.lastContact.isEmpty ? "-" : ElapsedTime.since($0.lastContact, now: now) + " ago",
             String($0.knocks), String($0.responses)]
        })
        if !progress.streets.isEmpty {
            lines.append("")
            lines += Console.tableLines(["STREET", "DOORS", "KNOCKED", "SURVEYED", ""], progress.streets.map { street in
                let done = street.doors > 0 ? Double(street.knocked) / Double(street.doors) : 0
                let bar = String(repeating: "#", count: Int((done * 20).rounded())) + String(repeating: ".", count: 20 - Int((done * 20).rounded()))
                return [street.street, String(street.doors), String(street.knocked), String(street.surveyed), bar]
            })
        }
        if !progress.hours.isEmpty {
            lines.append("")
            let most = progress.hours.map(\.knocks).max() ?? 1
            lines.append("Knocks per hour (the longest bar is the busiest hour):")
            for hour in progress.hours {
                lines.append("  \(hour.hour)  \(String(repeating: "#", count: max(1, hour.knocks * 30 / max(most, 1))))  \(hour.knocks)")
            }
        }
        return lines
    }
}
