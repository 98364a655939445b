import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardSystem
#if canImport(Glibc)
import Glibc
#endif

/// The bridge registry's directory cannot be used.
public enum BridgeRegistryError: Error, CustomStringConvertible, Sendable, Equatable {
    case unsafeDirectory(path: String, why: String)

    public var description: String {
        switch self {
        case .unsafeDirectory(let path, let why):
            "the bridge registry \(path) cannot be used: \(why). Remove it (Switchboard makes a new one, 0700) and start the bridge again."
        }
    }
}
