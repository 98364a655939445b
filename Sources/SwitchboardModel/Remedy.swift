import Foundation

/// What a person does to put a connection right, as a value: the command line renders it as a command
/// (`Remedy+CommandLine.swift`), the screen as a key from its key tables (`KeyMap.say`), the bridge as the
/// text of a JSON-RPC error. The engine names the action, never a command line or a key.
public enum Remedy: Sendable, Equatable, Hashable {
    /// Sign in again (the grant is gone, or the server wants more).
    case reconnect(connection: String)
    /// Sign in for the first time.
    case connect(connection: String)
    /// Sign in again with a new client registered on a free callback port.
    case reconnectNewPort(connection: String)
    /// Send the person's client secret to the authorization server the connection's server names now.
    case trustNewIssuer(connection: String)
    /// Enter a client by hand (`secret`: one with a client secret; `issuer`: naming its authorization server).
    case setClient(connection: String, secret: Bool, issuer: Bool)
    /// Add a connection with its own client by hand (`--scheme oauth` with a client secret and its issuer).
    case addWithClient(connection: String)
    /// Find out what is wrong (`connection` nil: the installation's report).
    case doctor(connection: String?)
    /// See the connections and their names.
    case list
    /// Remove the connection.
    case remove(connection: String)
    /// Remove the connection and add it again with another scheme (`scheme` nil: sign in with OAuth).
    case removeAndAddAgain(connection: String, scheme: String?)
    /// Paste the browser's address into a waiting sign-in.
    case pasteAddress(connection: String?)
    /// Seal the secret store, or unseal it (`seal` false).
    case sealSecrets(seal: Bool)
    /// Advice that names no command and no key ("contact the server's operator"), as a sentence.
    case advice(String)

    /// The connection it acts on, when it names one.
    public var connection: String? {
        switch self {
        case .reconnect(let c), .connect(let c), .reconnectNewPort(let c), .trustNewIssuer(let c),
             .setClient(let c, _, _), .addWithClient(let c), .remove(let c), .removeAndAddAgain(let c, _): c
        case .doctor(let c), .pasteAddress(let c): c
        case .list, .sealSecrets, .advice: nil
        }
    }
}
