import Foundation

/// A remedy as a terminal says it: the command that carries it out. The one place that spells Switchboard's
/// command lines for remedies; the command line, the bridge and `status --json` all render from here.
extension Remedy {
    /// The command that carries it out; nil for advice, which names no command.
    public var commandLine: String? {
        switch self {
        case .reconnect(let c): "switchboard reconnect \(ShellQuote.word(c))"
        case .connect(let c): "switchboard connect \(ShellQuote.word(c))"
        case .reconnectNewPort(let c): "switchboard connect \(ShellQuote.word(c)) --new-port"
        case .trustNewIssuer(let c): "switchboard connect \(ShellQuote.word(c)) --trust-new-issuer"
        case .setClient(let c, let secret, let issuer):
            "switchboard set-client \(ShellQuote.word(c)) --client-id ID" + (secret ? " --client-secret-stdin" : "") + (issuer ? " --issuer URL" : "")
        case .addWithClient(let c):
            "switchboard add \(ShellQuote.word(c)) URL --scheme oauth --client-id ID --client-secret-stdin --issuer URL"
        case .doctor(let c?): "switchboard doctor \(ShellQuote.word(c))"
        case .doctor(nil): "switchboard doctor"
        case .list: "switchboard list"
        case .remove(let c): "switchboard remove \(ShellQuote.word(c))"
        case .removeAndAddAgain(let c, let scheme):
            "switchboard remove \(ShellQuote.word(c))` then `switchboard add \(ShellQuote.word(c)) URL"
                + (scheme.map { " --scheme \(ShellQuote.word($0))" } ?? "")
        case .pasteAddress(let c): "switchboard connect \(c.map(ShellQuote.word) ?? "NAME") --no-browser"
        case .sealSecrets(let seal): "switchboard secrets \(seal ? "encrypt" : "decrypt")"
        case .advice: nil
        }
    }

    /// The remedy as a sentence for a terminal: "Run `switchboard reconnect figma`", or the advice itself.
    public var sentence: String {
        switch self {
        case .advice(let text): text
        case .removeAndAddAgain:
            // Two commands: the backquotes close and open around "then" (see `commandLine`).
            "Run `\(commandLine ?? "")` to add it again"
        case .pasteAddress: "Run `\(commandLine ?? "")` and paste the address there"
        case .setClient(_, false, _):
            // The client form on the screen has a field for the secret; the command line needs the flag.
            "Run `\(commandLine ?? "")` (add `--client-secret-stdin` if it has a secret)"
        default: "Run `\(commandLine ?? "")`"
        }
    }
}
