public import Foundation

/// Where the package's built executables are: next to the running test bundle.
public enum BuiltProducts {
    /// The build folder holding `doorstep`, `doorstep-server` and the test bundle.
    public static let directory: URL = {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var folder = executable.deletingLastPathComponent()
        // The test bundle on Linux is `<build>/DoorstepPackageTests.xctest`, a file; on macOS a folder.
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("doorstep").path),
              folder.path != "/" {
            folder.deleteLastPathComponent()
        }
        return folder
    }()

    /// The URL of a built executable, such as `doorstep` or `doorstep-server`.
    public static func executable(_ name: String) -> URL {
        directory.appendingPathComponent(name)
    }

    /// The package's root folder, for `forms/` and other checked-in files.
    public static let packageRoot: URL = {
        var folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: folder.appendingPathComponent("Package.swift").path),
              folder.path != "/" {
            folder.deleteLastPathComponent()
        }
        return folder
    }()

    /// A sample form of `forms/`, by file name.
    public static func sampleForm(_ fileName: String) -> URL {
        packageRoot.appendingPathComponent("forms").appendingPathComponent(fileName)
    }
}

/// What a finished process left behind.
public struct ProcessResult: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
    /// The process ended by a signal rather than by exiting.
    public var signalled: Bool
}

/// Runs executables as a user would, with a bounded wait.
public enum ProcessRunner {
    /// Runs `executable` with `arguments`, feeding `input` to its standard input, and waits at most
    /// `timeout` seconds (then kills it and reports status -1).
    public static func run(
        _ executable: URL, _ arguments: [String], input: String? = nil,
        environment: [String: String] = [:], timeout: TimeInterval = 120
    ) throws -> ProcessResult {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let stdinPipe = Pipe()
        let stdoutFile = try TemporaryFile()
        let stderrFile = try TemporaryFile()
        process.standardInput = stdinPipe
        process.standardOutput = stdoutFile.handle
        process.standardError = stderrFile.handle
        try process.run()
        if let input {
            stdinPipe.fileHandleForWriting.write(Data(input.utf8))
        }
        try? stdinPipe.fileHandleForWriting.close()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(5_000) }
        var timedOut = false
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            timedOut = true
        }
        process.waitUntilExit()
        return ProcessResult(
            status: timedOut ? -1 : process.terminationStatus,
            stdout: stdoutFile.contents(),
            stderr: stderrFile.contents(),
            signalled: process.terminationReason == .uncaughtSignal
        )
    }

    /// Runs the built `doorstep` client.
    public static func doorstep(
        _ arguments: [String], input: String? = nil, environment: [String: String] = [:],
        timeout: TimeInterval = 120
    ) throws -> ProcessResult {
        try run(BuiltProducts.executable("doorstep"), arguments, input: input, environment: environment, timeout: timeout)
    }

    /// Runs the built `doorstep-server` for an administration command, on the tests' store
    /// (``TestStore``).
    public static func server(
        _ arguments: [String], input: String? = nil, timeout: TimeInterval = 120
    ) throws -> ProcessResult {
        try run(BuiltProducts.executable("doorstep-server"), TestStore.serverArguments(arguments), input: input, timeout: timeout)
    }
}

/// A file in the temporary folder that a process writes into, removed when released.
final class TemporaryFile {
    let url: URL
    let handle: FileHandle

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("doorstep-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        handle = try FileHandle(forWritingTo: url)
    }

    func contents() -> String {
        try? handle.close()
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}

/// A fresh folder under the temporary directory, for a store home or a server data directory.
public struct TemporaryDirectory: Sendable {
    public let url: URL

    public init(_ label: String = "doorstep") throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public var path: String { url.path }

    /// A path inside the folder.
    public func appending(_ component: String) -> URL { url.appendingPathComponent(component) }

    /// Writes `contents` to a file inside the folder and returns its path.
    @discardableResult
    public func write(_ contents: String, to name: String) throws -> String {
        let file = appending(name)
        try contents.write(to: file, atomically: true, encoding: .utf8)
        return file.path
    }

    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
