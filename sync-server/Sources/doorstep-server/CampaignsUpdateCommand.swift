import ArgumentParser
import DoorstepCore
import DoorstepServer
import Foundation

extension Campaigns {
    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change how long a campaign keeps answers, on the server and on officers' laptops.",
            discussion: """
                --retention caps every answer's period: an answer the form keeps 12 months is kept 6 with \
                --retention "6 months", and one it keeps 1 month stays 1 month. The next purge (daily in \
                serve, or doorstep-server purge) removes what has expired. --device-retention reaches \
                laptops at their next sync. A period is \(RetentionPeriod.rule).

                Examples:
                  doorstep-server campaigns update --id west-end --retention "6 months"
                  doorstep-server campaigns update --id west-end --device-retention "7 days"
                  doorstep-server campaigns update --id west-end --no-retention
                """
        )
        @OptionGroup var data: DataOptions
        @Option(help: "The campaign's id.") var id: String
        @Option(help: ArgumentHelp("Keep no answer longer than this.", valueName: "period")) var retention: String?
        @Flag(help: "Remove the campaign's cap: the form's periods hold.") var noRetention = false
        @Option(help: ArgumentHelp("How long laptops keep a synced response's answers.", valueName: "period"))
        var deviceRetention: String?

        func validate() throws {
            guard retention != nil || noRetention || deviceRetention != nil else {
                throw ValidationError("Nothing to change: pass --retention PERIOD, --no-retention or --device-retention PERIOD.")
            }
            guard retention == nil || !noRetention else {
                throw ValidationError("--retention and --no-retention contradict each other: pass one.")
            }
            _ = try RetentionOption.period(retention, option: "--retention")
            _ = try RetentionOption.period(deviceRetention, option: "--device-retention")
        }

        func run() throws {
            try Failure.run {
                let retention = try RetentionOption.period(retention, option: "--retention")
                let deviceRetention = try RetentionOption.period(deviceRetention, option: "--device-retention")
                try data.open().updateCampaign(
                    id: id, retention: retention, removeRetention: noRetention, deviceRetention: deviceRetention
                )
                var changes: [String] = []
                if let retention { changes.append("answers kept at most \(retention)") }
                if noRetention { changes.append("answers kept as the form says") }
                if let deviceRetention { changes.append("laptops keep synced answers \(deviceRetention)") }
                print("Updated campaign \(id): \(changes.joined(separator: "; ")).")
            }
        }
    }
}

/// Reads a retention period given on the command line.
enum RetentionOption {
    /// `text` as a period; `nil` when not given.
    ///
    /// - Throws: A usage error (exit 64) naming the rule (``RetentionPeriod/rule``).
    static func period(_ text: String?, option: String) throws -> RetentionPeriod? {
        guard let text else { return nil }
        guard let period = RetentionPeriod(text) else {
            throw ValidationError("\(option) '\(text)' is not a period: write \(RetentionPeriod.rule).")
        }
        return period
    }
}
