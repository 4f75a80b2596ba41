// The readers of untrusted bytes under libFuzzer (`scripts/fuzz`, built with -DFUZZING: libFuzzer
// supplies `main`), or, built normally, a replay of saved inputs: `doorstep-fuzz FILE...` reads
// each file as `ReaderFuzzing` does and says so.
import DoorstepServer
import Foundation

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
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return runFuzzerDriver(&count, &arguments) { data, size in
        ReaderFuzzing.read(UnsafeBufferPointer(start: data, count: size))
        return 0
    }
}
#else
@main
struct DoorstepFuzz {
    static func main() {
        let files = CommandLine.arguments.dropFirst()
        if files.isEmpty {
            FileHandle.standardError.write(Data("usage: doorstep-fuzz FILE...  (scripts/fuzz builds it for libFuzzer)\n".utf8))
            exit(64)
        }
        for file in files {
            guard let bytes = FileManager.default.contents(atPath: file) else {
                FileHandle.standardError.write(Data("doorstep-fuzz: cannot read \(file)\n".utf8))
                exit(66)
            }
            Array(bytes).withUnsafeBufferPointer(ReaderFuzzing.read)
            FileHandle.standardOutput.write(Data("read \(file) (\(bytes.count) bytes)\n".utf8))
        }
    }
}
#endif
