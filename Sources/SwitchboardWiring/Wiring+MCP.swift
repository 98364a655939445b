import Acquisition
import Foundation
import MCPSession
import SwitchboardCore

extension Wiring {
    public func authorizer(_ connection: Connection) -> ConnectionAuthorizer {
        ConnectionAuthorizer(connection: connection, actor: actor, secrets: integrations.secrets)
    }

    /// The step-up policy, for `check`, `call` and the screen's `t` alike: runs an MCP operation and answers the
    /// server's authorization challenges by signing in again, at most twice: a 403 `insufficient_scope` or a
    /// 401 naming scopes the token lacks with the union of the scopes held and asked for (SEP-2350); a server
    /// that moved to another authorization server with a fresh discovery and registration there (SEP-2352).
    /// `notice` hears why a new sign-in starts; `onEvent` hears its progress.
    public func withAuthorization<T: Sendable>(_ start: Connection, era: MCPEra? = nil,
                                               notice: (String) -> Void = { _ in }, onEvent: (AcquisitionEvent) -> Void = { _ in },
                                               _ body: (MCPSessionRunner) async throws -> T) async throws -> T {
        var connection = start
        var attempts = 0
        while true {
            do {
                return try await body(MCPSessionRunner(http: http, authorizer: authorizer(connection), era: era))
            } catch {
                guard let again = Wiring.signInAgain(for: error) else { throw error }
                guard attempts < 2, let scheme = connection.primaryScheme, scheme.kind.isOAuth else {
                    throw StepUpFailed(message: "\(connection.name) \(again.why), and signing in again did not satisfy it.",
                                         remedy: .doctor(connection: connection.name))
                }
                attempts += 1
                if let wanted = again.scopes {
                    let before = (try? integrations.secrets.secrets(for: scheme.id).tokens?.scopes) ?? scheme.scopes
                    try widenScopes(scheme, to: wanted)
                    let after = (try? integrations.connection(named: connection.name).primaryScheme?.scopes) ?? wanted
                    record(.stepUp, connection) { $0.scopesBefore = before; $0.scopesAfter = after }
                }
                notice("\(connection.name) \(again.why); signing in again.")
                let events = await connect(schemeID: scheme.id, onEvent: onEvent)
                guard case .connected = events.last else { throw StepUpFailed(message: "signing in to \(connection.name) again failed") }
                connection = try integrations.connection(named: connection.name)
            }
        }
    }

    /// `check` as the command line and the screen's `t` run it: the report, recorded for the detail pane.
    public func check(_ connection: Connection, era: MCPEra? = nil, notice: (String) -> Void = { _ in },
                      onEvent: (AcquisitionEvent) -> Void = { _ in }) async throws -> CheckReport {
        do {
            let report = try await withAuthorization(connection, era: era, notice: notice, onEvent: onEvent) { try await $0.check() }
            recordCheck(connection, report.summary, era: MCPEra(rawValue: report.era))
            record(.checked, connection) { $0.era = report.protocolVersion; $0.tools = report.tools.count }
            return report
        } catch {
            recordCheck(connection, "failed: \(Wiring.describe(error))")
            record(.checked, connection) { $0.reason = Wiring.describe(error) }
            throw error
        }
    }

    /// The next sign-in asks for the union of the scopes held and `wanted` (SEP-2350).
    public func widenScopes(_ scheme: AuthScheme, to wanted: [String]) throws {
        let held = (try integrations.secrets.secrets(for: scheme.id)).tokens?.scopes ?? scheme.scopes
        var union = held.filter { $0 != "offline_access" }
        for s in wanted where !union.contains(s) { union.append(s) }
        try integrations.connections.updateScheme(scheme.id) { $0.scopes = union }
    }

    /// What another sign-in answers: a scope challenge (the scopes to add) or a server that moved to
    /// another authorization server (no scopes); nil for every other error.
    public static func signInAgain(for error: any Error) -> (scopes: [String]?, why: String)? {
        func list(_ scopes: [String]) -> String { Redact.serverText(scopes.joined(separator: " "), limit: 120) }
        switch error {
        case let e as InsufficientScope: return (e.scopes, "asks for more access (\(list(e.scopes)))")
        case let e as AuthorizationRequired: return (e.scopes, e.scopes.isEmpty ? "asks you to sign in" : "asks for \(list(e.scopes))")
        case let e as AuthorizationServerMoved: return (nil, "moved to a new authorization server (\(Redact.serverText(e.to, limit: 80)))")
        default: return nil
        }
    }

    public func recordCheck(_ connection: Connection, _ summary: String, era: MCPEra? = nil) {
        guard let id = connection.primaryScheme?.id else { return }
        let at = time.now()
        try? integrations.connections.updateScheme(id) { s in
            s.info.lastCheckAt = at
            s.info.lastCheck = summary
            if let era { s.info.mcpEra = era.rawValue }
        }
    }

    /// Remembers the era a server answered in, so the next command tries it first.
    public func rememberEra(_ connection: Connection, _ era: MCPEra) {
        guard let id = connection.primaryScheme?.id, connection.primaryScheme?.info.mcpEra != era.rawValue else { return }
        try? integrations.connections.updateScheme(id) { $0.info.mcpEra = era.rawValue }
    }

    /// An engine or MCP error as one line for people (server text bounded and made safe).
    public static func describe(_ error: any Error) -> String {
        if let e = error as? AcquisitionError { return e.message }
        if let e = error as? StepUpFailed { return e.message }
        if let e = error as? InsufficientScope { return "the server wants more scopes: \(Redact.serverText(e.scopes.joined(separator: " "), limit: 120))" }
        if let e = error as? AuthorizationRequired {
            return e.scopes.isEmpty ? "the server asks for a new sign-in" : "the server asks for \(Redact.serverText(e.scopes.joined(separator: " "), limit: 120)); reconnect to grant it"
        }
        if let e = error as? AuthorizationServerMoved { return TokenKeeper.movedError("this connection", to: e.to).message }
        return Redact.serverText("\(error)", limit: 300)
    }
}

extension CheckReport {
    /// The one-line summary the detail pane and `show` keep.
    public var summary: String { "ok · \(serverName) \(serverVersion) · \(protocolVersion) · \(tools.count) tools" }
}
