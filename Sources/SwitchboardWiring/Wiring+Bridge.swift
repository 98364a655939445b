import Acquisition
import Foundation
import MCPSession
import SwitchboardApp
import SwitchboardCore
import Synchronization

extension Wiring {
    /// A bridge for `connection`, serving one MCP client on stdio (run it with `run`, end it with `close`).
    /// The bridge is a process of its own in the activity journal (role `bridge`), so the refreshes it causes
    /// read `by bridge`; it is listed among the live bridges (`BridgeRegistry`) while it runs, with its
    /// client, its requests and its last error, and it records that it started, failed and stopped.
    public func bridge(_ connection: Connection, options: BridgeOptions) -> (Bridge, BridgePresence) {
        let presence = BridgePresence(engine: self, connection: connection, diagnostic: options.diagnostic)
        var hooks = BridgeHooks()
        let name = connection.name
        let engine = self
        hooks.diagnostic = options.diagnostic
        hooks.explain = { Wiring.bridgeText(for: $0, connection: name) }
        let gate = SignInGate()
        hooks.challenge = { error in
            // Requests that find the connection needs the person at once share one answer (one browser tab).
            await gate.once { await engine.answerBridgeChallenge(error, connection: connection, signIn: options.signIn, diagnostic: options.diagnostic) }
        }
        hooks.clientIdentified = { presence.identified(name: $0, version: $1) }
        hooks.served = { presence.served(failure: $0) }
        let bridge = Bridge(config: BridgeConfiguration(serverURL: connection.serverURL), http: http, authorizer: authorizer(connection),
                            hooks: hooks, output: options.output)
        return (bridge, presence)
    }

    /// When a bridge's connection needs the person: the scopes a server asked for are remembered (so the next
    /// sign-in asks for them, as `check` does); then, with `--sign-in`, the bridge signs in itself, unless
    /// someone already did (a reconnect in another process); without it the request fails naming the remedy.
    func answerBridgeChallenge(_ error: any Error, connection: Connection, signIn: Bool, diagnostic: @Sendable (String) -> Void) async -> Bool {
        guard let scheme = connection.primaryScheme, scheme.kind.isOAuth else { return false }
        let again = Wiring.signInAgain(for: error)
        if let wanted = again?.scopes, !wanted.isEmpty {
            // As `check` does: the next sign-in (here or anywhere) asks for what the server wants.
            try? widenScopes(scheme, to: wanted)
            diagnostic("\(connection.name) asks for more access; the next sign-in asks for it")
        }
        guard signIn else { return false }
        if again == nil, (try? await actor.validToken(for: scheme.id)) != nil { return true }
        diagnostic("\(connection.name) \(again?.why ?? "needs a new sign-in"); opening the browser to sign in")
        let events = await connect(schemeID: scheme.id)
        return { if case .connected = events.last { true } else { false } }()
    }

    /// The JSON-RPC error text a bridge's client shows: what failed, and the remedy (a command, and the key
    /// on the screen). Never a token: the engine's messages hold none, and server text is bounded and filtered.
    public static func bridgeText(for error: any Error, connection name: String) -> String {
        let reconnect = Remedy.reconnect(connection: name)
        let onScreen = "or press \(KeyMap.key(for: .reconnect) ?? "r") on \(name) in the Switchboard screen"
        let heals = "this bridge keeps running and uses the new sign-in at once."
        if let e = error as? AcquisitionError, e.needsReconnect {
            return "Switchboard: \(name) needs you to sign in again (\(e.message)). Run `\(reconnect.commandLine ?? "")` in a terminal, \(onScreen); \(heals)"
        }
        if let again = Wiring.signInAgain(for: error) {
            return "Switchboard: \(name) \(again.why). Run `\(reconnect.commandLine ?? "")` in a terminal, \(onScreen) (or start the bridge with --sign-in to open the browser itself); \(heals)"
        }
        // The remedy as a terminal says it: the bridge's reader is an agent or a person at a terminal.
        if let e = error as? AcquisitionError { return "Switchboard: \(name): \(e.description)" }
        if let e = error as? StepUpFailed { return "Switchboard: \(name): \(e.description)" }
        return "Switchboard: \(name): \(Wiring.describe(error))"
    }
}
