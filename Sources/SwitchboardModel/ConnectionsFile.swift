import Foundation

/// The contents of `integrations.json`.
public struct ConnectionsFile: Codable, Equatable, Sendable {
    public var version: Int
    public var connections: [Connection]

    public init(version: Int = 1, connections: [Connection] = []) {
        self.version = version
        self.connections = connections
    }

    /// The connection a typed name stands for (`Connection.isNamed`).
    public func connection(named name: String) -> Connection? {
        index(named: name).map { connections[$0] }
    }

    /// Where that connection is, for a change made in place.
    public func index(named name: String) -> Int? {
        connections.firstIndex { $0.isNamed(name) }
    }

    /// How many connections need the person (expired or error), as the screen's header counts them.
    public static func attention(_ connections: [Connection]) -> Int { summary(connections).attention(at: .distantPast) }

    /// What the header counts, computed once per change of the list: the connections that need the person by
    /// their stored status, the moments at which more of them will (a token that cannot renew on use lapsing),
    /// and the next refresh the scheduler plans (`RefreshPolicy.due`, the scheduler's own rule).
    public struct Summary: Equatable, Sendable {
        public var stored = 0
        /// Expiries after which a connected row needs the person, sorted.
        public var lapses: [Date] = []
        public var nextRefresh: Date?

        /// Connections needing the person at `now`: a binary search, not a pass over the list (a frame's cost).
        public func attention(at now: Date) -> Int {
            var lo = 0, hi = lapses.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if lapses[mid] <= now { lo = mid + 1 } else { hi = mid }
            }
            return stored + lo
        }
    }

    /// One pass over the list (see `Summary`).
    public static func summary(_ connections: [Connection]) -> Summary {
        var out = Summary()
        for c in connections {
            guard let s = c.primaryScheme else { continue }
            if s.status.needsAttention { out.stored += 1 }
            guard s.kind.isOAuth, case .connected(let exp?) = s.status else { continue }
            // A lapse that needs the person: no refresh token, or renewals failing (`Standing`).
            if Standing.lapseNeedsPerson(s.info) { out.lapses.append(exp) }
            guard let due = Standing(s, now: .distantPast).nextRefresh else { continue }
            if out.nextRefresh.map({ due < $0 }) ?? true { out.nextRefresh = due }
        }
        out.lapses.sort()
        return out
    }

    /// Where each scheme is (the first connection that has it): one pass, for many lookups.
    public func schemePositions() -> [String: (Int, Int)] {
        var positions: [String: (Int, Int)] = [:]
        positions.reserveCapacity(connections.count)
        for (ci, c) in connections.enumerated() { for (si, s) in c.schemes.enumerated() where positions[s.id] == nil { positions[s.id] = (ci, si) } }
        return positions
    }

    public func index(ofScheme schemeID: String) -> (Int, Int)? {
        for (ci, c) in connections.enumerated() {
            if let si = c.schemes.firstIndex(where: { $0.id == schemeID }) { return (ci, si) }
        }
        return nil
    }
}
