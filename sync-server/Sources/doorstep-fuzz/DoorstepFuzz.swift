// The readers of untrusted bytes under libFuzzer (`scripts/fuzz`, built with -DFUZZING: libFuzzer
// supplies `main`), or, built normally, a replay of saved inputs and a writer of seed inputs.
// The target (`push` or `pull`, see `ReaderFuzzing.Target`) is `$DOORSTEP_FUZZ_TARGET`.
import DoorstepWire
import Foundation

/// The readers this run fuzzes, from `$DOORSTEP_FUZZ_TARGET`; `nil` when it names none.
func fuzzTarget() -> ReaderFuzzing.Target? {
    ReaderFuzzing.Target(rawValue: ProcessInfo.processInfo.environment["DOORSTEP_FUZZ_TARGET"] ?? "")
}

#if FUZZING
/// libFuzzer's driver, given the arguments and the function to call with each input.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ body: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// The executable's entry point, as SwiftPM names it: hands the arguments to libFuzzer.
@_cdecl("doorstep_fuzz_main")
func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    guard fuzzTarget() != nil else {
        FileHandle.standardError.write(Data("doorstep-fuzz: set DOORSTEP_FUZZ_TARGET to push or pull\n".utf8))
        return 64
    }
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return runFuzzerDriver(&count, &arguments) { data, size in
        // Read per input: a C function cannot capture the target.
        ReaderFuzzing.read(UnsafeBufferPointer(start: data, count: size), as: fuzzTarget()!)
        return 0
    }
}
#else
@main
struct DoorstepFuzz {
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        guard let target = fuzzTarget(), !arguments.isEmpty else {
            fail(64, "usage: DOORSTEP_FUZZ_TARGET=push|pull doorstep-fuzz FILE...  |  --seeds DIR  (scripts/fuzz builds it for libFuzzer)")
        }
        if arguments.first == "--seeds" {
            guard arguments.count == 2 else { fail(64, "usage: doorstep-fuzz --seeds DIR") }
            for (index, seed) in ReaderFuzzing.seeds(for: target).enumerated() {
                let path = "\(arguments[1])/\(target.rawValue)-\(index)"
                guard FileManager.default.createFile(atPath: path, contents: Data(seed)) else { fail(73, "cannot write \(path)") }
            }
            return
        }
        for file in arguments {
            guard let bytes = FileManager.default.contents(atPath: file) else { fail(66, "cannot read \(file)") }
            Array(bytes).withUnsafeBufferPointer { ReaderFuzzing.read($0, as: target) }
            FileHandle.standardOutput.write(Data("read \(file) (\(bytes.count) bytes)\n".utf8))
        }
    }

    static func fail(_ code: Int32, _ message: String) -> Never {
        FileHandle.standardError.write(Data("doorstep-fuzz: \(message)\n".utf8))
        exit(code)
    }
}
#endif
