import Foundation

/// One running bridge (`switchboard bridge NAME`), as the bridge registry records it. Never a secret.
public struct BridgeRecord: Codable, Equatable, Sendable {
    /// The bridge's process (`register` fills in its own when this is 0).
    public var pid: Int32
    /// The scheme id the bridge uses.
    public var scheme: String
    /// The connection's name when the bridge started.
    public var connection: String
    /// From the MCP client's `initialize` `clientInfo` (bounded and made safe to show: see `bounded()`).
    public var clientName: String?
    public var clientVersion: String?
    public var startedAt: Date
    /// Requests forwarded so far.
    public var requests: Int
    /// The last request that failed, in a few words, and when.
    public var lastError: String?
    public var lastErrorAt: Date?

    public init(pid: Int32 = 0, scheme: String, connection: String, clientName: String? = nil, clientVersion: String? = nil,
                startedAt: Date, requests: Int = 0, lastError: String? = nil, lastErrorAt: Date? = nil) {
        self.pid = pid
        self.scheme = scheme
        self.connection = connection
        self.clientName = clientName
        self.clientVersion = clientVersion
        self.startedAt = startedAt
        self.requests = requests
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt
    }

    /// Upper bounds on each text, in Unicode scalars.
    public enum Limit {
        public static let clientName = 64
        public static let clientVersion = 32
        public static let lastError = 240
        public static let name = 200
    }

    /// `Claude Desktop 0.9.2`, `Cursor`, or `unnamed client` (a client that sent no `clientInfo`).
    public var clientLabel: String {
        guard let name = clientName else { return "unnamed client" }
        return clientVersion.map { "\(name) \($0)" } ?? name
    }
}
