import Canvas
import Foundation
import SwitchboardModel
import SwitchboardText

/// Everything the screen shows. Only `reduce` changes it.
public struct AppState: Equatable, Sendable {
    public var connections: [Connection] {
        // Counted when the list changes (rare), not on every frame: a frame's cost follows the screen.
        didSet { summary = ConnectionsFile.summary(connections) }
    }
    /// The header's figures, counted when the list changes.
    public private(set) var summary: ConnectionsFile.Summary
    /// The next refresh the scheduler plans across all connections, for the header.
    public var nextRefresh: Date? { summary.nextRefresh }
    /// Connections that need the person now (expired, error, or a lapsed token that will not renew on use).
    public var needingAttention: Int { summary.attention(at: now) }
    /// While only the first rows are loaded (a large home's first frame): the whole list's figures.
    public var loadingTotals: (count: Int, attention: Int)? {
        get { loadingCount.map { ($0, loadingAttention) } }
        set { loadingCount = newValue?.count; loadingAttention = newValue?.attention ?? 0 }
    }
    var loadingCount: Int?
    var loadingAttention = 0
    public var selected = 0
    public var scroll = 0
    public var filter = ""
    public var filtering = false
    public var panel: Panel?
    public var now: Date
    public var width = 80
    public var height = 24
    public var message: String?
    public var quitting = false
    /// Why the browser may be on another machine (SSH, no display), or nil when a local browser works.
    public var remote: String?
    /// A connection just added: selected as soon as the reload brings its row.
    public var selectAfterLoad: String?
    /// The bridges running now (`switchboard bridge`), oldest first, as the registry last said.
    public var bridges: [BridgeRecord] = [] {
        didSet { bridgesByScheme = Dictionary(grouping: bridges, by: \.scheme) }
    }
    /// `bridges` by scheme id, so a row finds its own without a pass over all of them.
    public private(set) var bridgesByScheme: [String: [BridgeRecord]] = [:]

    public init(connections: [Connection] = [], now: Date) {
        self.connections = connections
        self.now = now
        summary = ConnectionsFile.summary(connections)
    }

    /// The connections the filter lets through.
    public var visible: [Connection] {
        guard !filter.isEmpty else { return connections }
        return connections.filter { $0.name.localizedCaseInsensitiveContains(filter) || $0.serverURL.absoluteString.localizedCaseInsensitiveContains(filter) }
    }

    public var selectedConnection: Connection? {
        let v = visible
        return v.indices.contains(selected) ? v[selected] : nil
    }

    /// The bridges serving a connection (any of its schemes), oldest first.
    public func bridges(for c: Connection) -> [BridgeRecord] {
        guard !bridgesByScheme.isEmpty else { return [] }
        return c.schemes.count == 1 ? bridgesByScheme[c.schemes[0].id] ?? [] : c.schemes.flatMap { bridgesByScheme[$0.id] ?? [] }
    }

}
