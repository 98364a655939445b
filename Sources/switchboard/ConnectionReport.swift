import ArgumentParser
import Foundation
import SwitchboardCore

/// The human-readable description of a connection, shared by `show` and `status`.
enum ConnectionReport {
    /// `bridges`: the live bridges (any connection's; each scheme lists its own).
    static func lines(_ c: Connection, now: Date, bridges: [BridgeRecord] = []) -> [String] {
        var out = ["\(c.name)  \(c.serverURL.absoluteString)", "  transport   \(c.transport.rawValue)"]
        for s in c.schemes {
            out.append("  scheme      \(s.kind.rawValue)")
            // The detail pane's facts, said for a terminal (a remedy is a command line here).
            for fact in ConnectionFacts.facts(c, s, now: now, timeZone: TimeFormat.local, remedy: \.sentence) {
                out.append("  " + fact.label.padding(toLength: 11, withPad: " ", startingAt: 0) + " " + fact.value)
            }
            for b in bridges where b.scheme == s.id {
                out.append("  bridge      \(BridgeText.summary(b, now: now))")
                if let error = BridgeText.lastError(b, now: now) { out.append("              \(error)") }
            }
        }
        return out
    }
}
