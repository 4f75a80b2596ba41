import Foundation

/// The commands of a command-line tool as its `--help` lists them, to walk every command's help.
public enum HelpTree {
    /// The subcommand names a help text lists under SUBCOMMANDS.
    public static func subcommands(_ help: String) -> [String] {
        guard let section = help.range(of: "SUBCOMMANDS:\n") else { return [] }
        return help[section.upperBound...].split(separator: "\n").compactMap { line in
            // A subcommand starts at two spaces; its wrapped description is indented further.
            guard line.hasPrefix("  "), !line.hasPrefix("   "), let name = line.split(separator: " ").first,
                  name.allSatisfy({ $0.isLowercase || $0 == "-" })
            else { return nil }
            return String(name)
        }
    }

    /// Every command path below the root (`help` left out), with its help text, read with `help`.
    public static func walk(_ help: ([String]) throws -> String) rethrows -> [(path: [String], help: String)] {
        var found: [(path: [String], help: String)] = []
        var queue = subcommands(try help([])).map { [$0] }
        while let path = queue.popLast() {
            if path == ["help"] { continue }
            let text = try help(path)
            queue += subcommands(text).map { path + [$0] }
            found.append((path, text))
        }
        return found
    }
}
