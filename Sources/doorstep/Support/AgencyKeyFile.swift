import Foundation

/// Where an agency's key file is when no option names one: `AGENCY.key` in the Doorstep home,
/// where `doorstep keys generate` writes it and `doorstep followups` reads it.
enum AgencyKeyFile {
    /// `AGENCY.key` in the home folder.
    static func inHome(_ home: HomeOptions, agency: String) throws -> URL {
        try home.homeURL().appendingPathComponent("\(agency).key")
    }

    /// `key` when given, else the one key file in the home folder.
    static func named(_ key: String?, home: HomeOptions) throws -> String {
        if let key { return key }
        let folder = try home.homeURL()
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [])
            .filter { $0.hasSuffix(".key") }.sorted()
        guard files.count == 1 else {
            throw CLIError(.usage, files.isEmpty
                ? "There is no key file in \(folder.path): give the agency's key file with --key FILE."
                : "\(folder.path) holds several key files (\(files.joined(separator: ", "))): give one with --key FILE.")
        }
        return folder.appendingPathComponent(files[0]).path
    }
}
