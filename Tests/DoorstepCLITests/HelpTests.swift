import DoorstepTestSupport
import Foundation
import Testing

/// Every command explains itself with a real example in its `--help`.
@Suite("doorstep --help")
struct HelpTests {
    /// The subcommands a help text lists under SUBCOMMANDS.
    static func subcommands(_ help: String) -> [String] {
        guard let section = help.range(of: "SUBCOMMANDS:\n") else { return [] }
        return help[section.upperBound...].split(separator: "\n").compactMap { line in
            // A subcommand starts at two spaces; its wrapped description is indented further.
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first,
                  name.allSatisfy({ $0.isLowercase || $0 == "-" })
            else { return nil }
            return String(name)
        }
    }

    @Test("Every command and subcommand's help shows at least one example of typing it")
    func everyCommandHasAnExample() throws {
        var queue: [[String]] = Self.subcommands(try ProcessRunner.doorstep(["--help"]).stdout).map { [$0] }
        #expect(queue.count >= 20)
        var checked = 0
        while let path = queue.popLast() {
            if path == ["help"] { continue }
            let help = try ProcessRunner.doorstep(path + ["--help"]).stdout
            let nested = Self.subcommands(help)
            queue += nested.map { path + [$0] }
            #expect(help.contains("Example"), "doorstep \(path.joined(separator: " ")) --help has no example")
            #expect(help.contains("doorstep \(path[0])"), "doorstep \(path.joined(separator: " ")) --help shows no command line")
            checked += 1
        }
        #expect(checked >= 30)
    }
}
