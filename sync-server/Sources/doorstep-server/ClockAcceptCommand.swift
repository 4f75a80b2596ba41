import ArgumentParser
import DoorstepCore
import DoorstepServer
import Foundation

extension ClockCommand {
    struct Accept: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Continue from this machine's clock when the saved one is ahead (serve refuses to start then); run with every server instance stopped.",
            discussion: "Example: doorstep-server clock accept --data /var/lib/doorstep-server"
        )
        @OptionGroup var data: DataOptions

        func run() throws {
            try Failure.run {
                let saved = try ServerDatabase.acceptWallClock(at: data.location)
                let was = saved.map { Date(timeIntervalSince1970: Double($0.physical) / 1_000).formatted(.iso8601) } ?? "none"
                print("The saved clock (was \(was)) now follows this machine's clock (\(Date().formatted(.iso8601))).")
            }
        }
    }
}
