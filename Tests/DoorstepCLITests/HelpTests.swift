import DoorstepTestSupport
import Foundation
import Testing

/// Every command explains itself with a real example in its `--help`.
@Suite("doorstep --help")
struct HelpTests {
    @Test("Every command and subcommand's help shows at least one example of typing it")
    func everyCommandHasAnExample() throws {
        let commands = try HelpTree.walk { path in try ProcessRunner.doorstep(path + ["--help"]).stdout }
        #expect(commands.count >= 30)
        for (path, help) in commands {
            #expect(help.contains("Example"), "doorstep \(path.joined(separator: " ")) --help has no example")
            #expect(help.contains("doorstep \(path[0])"), "doorstep \(path.joined(separator: " ")) --help shows no command line")
        }
    }
}
