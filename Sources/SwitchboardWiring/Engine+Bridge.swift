import Acquisition
import Foundation
import MCPSession
import SwitchboardApp
import SwitchboardCore

/// How `switchboard bridge` runs.
public struct BridgeOptions: Sendable {
    /// Start a browser sign-in when the server asks for one (else the request gets an error naming the remedy).
    public var signIn = false
    public var output: LineWriter
    /// Diagnostics (stderr).
    public var diagnostic: @Sendable (String) -> Void

    public init(signIn: Bool = false, output: LineWriter, diagnostic: @escaping @Sendable (String) -> Void) {
        self.signIn = signIn
        self.output = output
        self.diagnostic = diagnostic
    }
}

extension Engine {
    /// Serves one MCP client on stdio for `connection` until the client closes stdin or `stop` is called.
    /// The bridge is a process of its own in the activity journal (role `bridge`), so the refreshes it
    /// causes read `by bridge`.
    public func bridge(_ connection: Connection, options: BridgeOptions) -> Bridge {
        var hooks = BridgeHooks()
        let name = connection.name
        let engine = self
        hooks.diagnostic = options.diagnostic
        hooks.explain = { Engine.bridgeText(for: $0, connection: name) }
        hooks.challenge = { error in
            await engine.answerBridgeChallenge(error, connection: connection, signIn: options.signIn, diagnostic: options.diagnostic)
        }
        return Bridge(config: BridgeConfiguration(serverURL: connection.serverURL), http: http, authorizer: authorizer(connection),
                      hooks: hooks, output: options.output)
    }

    /// When a bridge's connection needs the person: the scopes a server asked for are remembered (so the next
    /// sign-in asks for them, as `check` does); then, with `--sign-in`, the bridge signs in itself, unless
    /// someone already did (a reconnect in another process); without it the request fails naming the remedy.
    func answerBridgeChallenge(_ error: any Error, connection: Connection, signIn: Bool, diagnostic: @Sendable (String) -> Void) async -> Bool {
        guard let scheme = connection.primaryScheme, scheme.kind.isOAuth else { return false }
        let again = Engine.signInAgain(for: error)
        if let wanted = again?.scopes, !wanted.isEmpty {
            try? widenScopes(scheme, to: wanted)
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
            return "Switchboard: \(name) needs you to sign in again (\(e.message)). Run `\(reconnect.commandLine)` in a terminal, \(onScreen); \(heals)"
        }
        if let again = Engine.signInAgain(for: error) {
            return "Switchboard: \(name) \(again.why). Run `\(reconnect.commandLine)` in a terminal, \(onScreen) (or start the bridge with --sign-in to open the browser itself); \(heals)"
        }
        return "Switchboard: \(name): \(Engine.describe(error))"
    }
}
