import Acquisition
import Foundation
import SwitchboardCore

// Built with -parse-as-library: libFuzzer provides main and calls this for every input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    FuzzEntryPoints.wwwAuthenticate(Data(bytes: start, count: count))
    return 0
}
