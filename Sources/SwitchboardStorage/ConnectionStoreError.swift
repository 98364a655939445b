import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardSystem
import Synchronization

/// Errors from the connection store, each saying what to do.
public enum ConnectionStoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file does not parse. It has been left exactly as it was.
    case corrupt(JSONFileError)
    case unknownConnection(String)
    case duplicateName(String)
    /// A connection to the same server exists (`existing`); a second one is a second account, and says so.
    case sameServer(name: String, existing: String)

    /// What to do, as values; the description says them as a terminal does.
    public var remedies: [RemedyStep] {
        switch self {
        case .unknownConnection: [RemedyStep(.list, when: "To see the names")]
        case .duplicateName(let name): [RemedyStep(.advice("Choose another name.")), RemedyStep(.remove(connection: name), when: "Or, to replace it, first")]
        default: []
        }
    }

    /// The error and its remedies, each said by `say` (a command line in a terminal, a key on the screen).
    public func said(with say: (Remedy) -> String) -> String {
        remedies.isEmpty ? message : message + ". " + RemedyStep.say(remedies, with: say)
    }

    public var description: String { said(with: \.sentence) }

    /// What went wrong, without what to do.
    var message: String {
        switch self {
        case .corrupt(let e):
            "\(e). Switchboard has not changed the file; fix it by hand or move it aside to start afresh."
        case .unknownConnection(let name):
            "there is no connection named `\(name)`"
        case .duplicateName(let name):
            "a connection named `\(name)` exists already"
        case .sameServer(let name, let existing):
            "`\(existing)` already connects to that server; to sign in to it a second time (another account) as `\(name)`, add --another-account"
        }
    }
}
