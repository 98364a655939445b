import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardSystem
import Synchronization

/// Errors from the connection store, each saying what to do.
public enum IntegrationStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file does not parse. It has been left exactly as it was.
    case corrupt(JSONFileError)
    case unknownConnection(String)
    case duplicateName(String)
    /// A connection to the same server exists (`existing`); a second one is a second account, and says so.
    case sameServer(name: String, existing: String)

    public var description: String {
        switch self {
        case .corrupt(let e):
            "\(e). Switchboard has not changed the file; fix it by hand or move it aside to start afresh."
        case .unknownConnection(let name):
            "there is no connection named `\(name)`; `switchboard list` shows the names"
        case .duplicateName(let name):
            "a connection named `\(name)` exists already; choose another name or `switchboard remove \(name)` first"
        case .sameServer(let name, let existing):
            "`\(existing)` already connects to that server; to sign in to it a second time (another account) as `\(name)`, add --another-account"
        }
    }
}
