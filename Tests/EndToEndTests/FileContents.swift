import Foundation

/// Which files hold a text: how the tests check that no copy of a resident's answer is left.
enum FileContents {
    /// The files under `path` (a folder, or one file) whose bytes contain any of `texts`.
    static func files(under path: String, holding texts: [String]) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
        let files = isDirectory.boolValue
            ? (FileManager.default.enumerator(atPath: path)?.compactMap { $0 as? String } ?? []).map { path + "/" + $0 }
            : [path]
        return try files.filter { file in
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: file, isDirectory: &isFolder), !isFolder.boolValue else { return false }
            let data = try Data(contentsOf: URL(fileURLWithPath: file))
            return texts.contains { data.range(of: Data($0.utf8)) != nil }
        }
    }
}
