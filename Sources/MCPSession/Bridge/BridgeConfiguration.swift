import Acquisition
import Foundation
import SwitchboardCore

/// How a bridge reaches its server and how long it waits.
public struct BridgeConfiguration: Sendable {
    public var serverURL: URL
    /// How long a server may take to start answering a request (its answer may then stream for longer).
    public var answerDeadline: Duration = .seconds(300)
    /// Notifications, responses, `DELETE`, the legacy endpoint: short exchanges.
    public var shortDeadline: Duration = .seconds(10)
    /// The whole of an `initialize` (the next stdin line waits for it), or of a replayed one.
    public var initializeDeadline: Duration = .seconds(60)
    /// The largest message the bridge relays from the server.
    public var maxMessageBytes = 16 << 20

    public init(serverURL: URL) { self.serverURL = serverURL }
}
