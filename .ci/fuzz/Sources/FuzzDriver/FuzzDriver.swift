import Foundation

/// The one piece every fuzz target shares: libFuzzer's driver, started from the target's own main
/// (SwiftPM gives every executable one), feeding each input to the target's entry point.
public enum FuzzDriver {
    nonisolated(unsafe) static var body: (Data) -> Void = { _ in }

    public static func run(_ entry: @escaping (Data) -> Void) -> Never {
        body = entry
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv, fuzzOne))
    }
}

/// libFuzzer calls this for every input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    FuzzDriver.body(Data(bytes: start, count: count))
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt
