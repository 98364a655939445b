import Acquisition
import Foundation
import SwitchboardCore

/// What the bridge tells the rest of Switchboard, and asks of it. The bridge writes no prose about
/// remedies: `explain` renders an error as the JSON-RPC error text the client shows.
public struct BridgeHooks: Sendable {
    /// The client said who it is (`initialize`'s `clientInfo`, or the 2026-07-28 envelope's).
    public var clientIdentified: @Sendable (_ name: String, _ version: String) -> Void = { _, _ in }
    /// A client request was answered: nil when it went through, else the error text the client got.
    public var served: @Sendable (_ failure: String?) -> Void = { _ in }
    /// The connection needs the person: the server asked for a new sign-in (more scopes, a moved authorization
    /// server) or the grant can no longer be refreshed. Returns true once there is a sign-in to use, so the
    /// request is sent once more; false answers the request with `explain`.
    public var challenge: @Sendable (any Error) async -> Bool = { _ in false }
    /// An error as the text of the JSON-RPC error the client gets: what failed and what to do.
    public var explain: @Sendable (any Error) -> String = { "\($0)" }
    /// One line for stderr.
    public var diagnostic: @Sendable (String) -> Void = { _ in }

    public init() {}
}
