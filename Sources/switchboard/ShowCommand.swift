import ArgumentParser
import Foundation
import SwitchboardCore

extension Switchboard {
    /// `switchboard show NAME`.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
            abstract: "Show one connection in detail, with the bridges serving it now (never a secret).",
            discussion: "--json prints the connection object as stored in integrations.json.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The connection's name.") var name: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let connection = try global.integrations().connection(named: name)
            if json { return try Output.printJSON(connection) }
            let bridges = BridgeRegistry(home: global.resolvedHome).live()
            Output.line(ConnectionReport.lines(connection, now: Date(), bridges: bridges).joined(separator: "\n"))
        }
    }
}

/// The human-readable description of a connection, shared by `show` and `status`.
enum ConnectionReport {
    /// `bridges`: the live bridges (any connection's; each scheme lists its own).
    static func lines(_ c: Connection, now: Date, bridges: [BridgeRecord] = []) -> [String] {
        var out = ["\(c.name)  \(c.serverURL.absoluteString)", "  transport   \(c.transport.rawValue)"]
        for s in c.schemes {
            let timing = StatusText.timing(s.status, now: now)
            out.append("  scheme      \(s.kind.rawValue)  \(StatusText.badge(s.status, kind: s.kind))\(timing.isEmpty ? "" : "  " + timing)")
            if case .connected(let exp?) = s.status { out.append("  expires     \(TimeFormat.clock(exp))") }
            if case .expired(let reason, _) = s.status { out.append("  reason      \(reason)") }
            if case .error(let message, let remedy) = s.status {
                out.append("  error       \(message)")
                if let remedy { out.append("  remedy      \(remedy)") }
            }
            if let issuer = s.info.issuer { out.append("  issuer      \(issuer)") }
            if let id = s.info.clientID ?? s.clientID { out.append("  client id   \(id)") }
            let scopes = s.info.grantedScopes.isEmpty ? s.scopes : s.info.grantedScopes
            if !scopes.isEmpty { out.append("  scopes      \(scopes.joined(separator: " "))") }
            if let check = s.info.lastCheck, let at = s.info.lastCheckAt { out.append("  checked     \(TimeFormat.clock(at)): \(check)") }
            if let era = s.info.mcpEra { out.append("  mcp         \(StatusText.era(era))") }
            if let at = s.info.lastRefreshAt {
                out.append("  refreshed   \(TimeFormat.clock(at))\(s.info.lastRefreshResult.map { " (\($0))" } ?? "")")
            }
            if let note = StatusText.shortLifetimeNote(s.info.tokenLifetime) { out.append("  note        \(note)") }
            for b in bridges where b.scheme == s.id {
                out.append("  bridge      \(BridgeText.summary(b, now: now))")
                if let error = BridgeText.lastError(b, now: now) { out.append("              \(error)") }
            }
        }
        return out
    }
}
