import Foundation

/// What a person does to put a connection right, as a value: the command line renders it as a command,
/// the screen as a key, the bridge as the text of a JSON-RPC error. (The engine's older messages still
/// carry their remedy as prose; they move to this one by one.)
public enum Remedy: Sendable, Equatable {
    /// Sign in again (the grant is gone, or the server wants more).
    case reconnect(connection: String)
    /// Sign in for the first time.
    case connect(connection: String)
    /// Find out what is wrong.
    case doctor(connection: String)

    public var connection: String {
        switch self {
        case .reconnect(let c), .connect(let c), .doctor(let c): c
        }
    }

    /// The command that carries it out.
    public var commandLine: String {
        switch self {
        case .reconnect(let c): "switchboard reconnect \(ShellQuote.word(c))"
        case .connect(let c): "switchboard connect \(ShellQuote.word(c))"
        case .doctor(let c): "switchboard doctor \(ShellQuote.word(c))"
        }
    }
}
