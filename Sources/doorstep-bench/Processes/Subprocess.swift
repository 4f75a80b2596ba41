import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn` and reaped with `wait4`, so the benchmark gets each
/// child's own peak memory and CPU time (`struct rusage`), which `Foundation.Process` does not give.
///
/// Standard input is `/dev/null`; standard output and error go to files in the run folder.
final class Subprocess: @unchecked Sendable {
    /// The process id.
    let pid: pid_t
    /// The command line, for error messages.
    let commandLine: String
    /// Where standard output goes.
    let stdoutFile: URL
    /// Where standard error goes.
    let stderrFile: URL
    /// When the process was started.
    let started: ContinuousClock.Instant

    /// Starts `executable` with `arguments`, writing its output to `output.stdout` and `output.stderr`.
    ///
    /// - Throws: ``BenchError/spawnFailed(_:_:)`` when the process cannot be started.
    init(_ executable: URL, _ arguments: [String], output: URL, environment: [String: String] = [:]) throws {
        stdoutFile = output.appendingPathExtension("stdout")
        stderrFile = output.appendingPathExtension("stderr")
        commandLine = ([executable.lastPathComponent] + arguments).joined(separator: " ")

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutFile.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrFile.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        var variables = ProcessInfo.processInfo.environment
        for (key, value) in environment { variables[key] = value }
        let argv = ([executable.path] + arguments).map { strdup($0) } + [nil]
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var child: pid_t = 0
        let clock = ContinuousClock()
        let start = clock.now
        let status = posix_spawn(&child, executable.path, &actions, nil, argv, envp)
        guard status == 0 else { throw BenchError.spawnFailed(commandLine, String(cString: strerror(status))) }
        pid = child
        started = start
    }

    /// Waits for the process to end and returns how it ended and what it used.
    ///
    /// The peak memory is sampled from `/proc/PID/status` every 10 ms by a helper thread:
    /// `ru_maxrss` of a child started with `posix_spawn` (a vfork) also counts the parent's memory.
    func wait() -> Exit {
        let sampling = MemorySampling()
        let sampler = Thread { [self] in
            while !sampling.done.load(ordering: .relaxed) {
                if let value = peakMemory() { sampling.peak.store(max(sampling.peak.load(ordering: .relaxed), value), ordering: .relaxed) }
                usleep(10_000)
            }
        }
        sampler.start()
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
        let elapsed = ContinuousClock.now - started
        sampling.done.store(true, ordering: .relaxed)
        return Exit(rawStatus: status, usage: usage, elapsed: elapsed, peakMemory: sampling.peak.load(ordering: .relaxed), process: self)
    }

    /// The process's peak resident memory so far (`VmHWM` of `/proc/PID/status`), in bytes.
    func peakMemory() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
        else { return nil }
        let kilobytes = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first.flatMap { Int($0) }
        return kilobytes.map { $0 * 1024 }
    }

    /// The process's CPU time so far (user plus system, from `/proc/PID/stat`), in seconds.
    func cpuSeconds() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")")
        else { return nil }
        // Fields after the command name: state is field 3; utime and stime are fields 14 and 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Bytes the process has written through `write`-like calls so far (`wchar` of `/proc/PID/io`:
    /// files and sockets).
    func writtenBytes() -> Int? {
        Self.writtenBytes(procFile: "/proc/\(pid)/io")
    }

    /// `wchar` of a `/proc/…/io` file.
    static func writtenBytes(procFile: String) -> Int? {
        guard let text = try? String(contentsOfFile: procFile, encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("wchar:") })
        else { return nil }
        return line.split(separator: " ").last.flatMap { Int($0) }
    }

    /// Sends `signal` to the process.
    func send(_ signal: Int32) {
        kill(pid, signal)
    }

    /// What the process wrote on standard output.
    func output() -> String {
        (try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? ""
    }

    /// What the process wrote on standard error.
    func errors() -> String {
        (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
    }

    /// How a process ended and what it used.
    struct Exit {
        let rawStatus: Int32
        let usage: rusage
        /// From start to the moment `wait4` returned.
        let elapsed: Duration
        /// The highest `VmHWM` sampled while the process ran, in bytes; 0 when not sampled.
        let peakMemory: Int
        let process: Subprocess

        /// The exit code, or `nil` when a signal ended the process.
        var code: Int32? { rawStatus & 0x7f == 0 ? (rawStatus >> 8) & 0xff : nil }

        /// User plus system CPU time, in seconds.
        var cpuSeconds: Double {
            Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
                + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        }

        /// Standard output, after checking the exit code was 0.
        ///
        /// - Throws: ``BenchError/commandFailed(_:_:)`` with the process's standard error otherwise.
        func checkedOutput() throws -> String {
            guard code == 0 else {
                let how = code.map { "exit \($0)" } ?? "signal \(rawStatus & 0x7f)"
                throw BenchError.commandFailed(process.commandLine, "\(how): \(process.errors().suffix(2_000))")
            }
            return process.output()
        }
    }
}

/// What the memory-sampling thread shares with the waiting one.
private final class MemorySampling: Sendable {
    let done = Atomic<Bool>(false)
    let peak = Atomic<Int>(0)
}
