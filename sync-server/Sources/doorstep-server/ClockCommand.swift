import ArgumentParser

struct ClockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "clock", abstract: "Deal with a saved clock that is ahead of this machine's clock.",
        discussion: "Example: doorstep-server clock accept --data /var/lib/doorstep-server",
        subcommands: [Accept.self]
    )
}
