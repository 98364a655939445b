import Acquisition
import ArgumentParser
import Foundation
import SwitchboardCore

extension Switchboard {
    /// `switchboard set-client NAME --client-id ID`: the manual path, without removing the connection.
    struct SetClient: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-client",
            abstract: "Use a client you registered in the provider's dashboard (for servers that refuse self-registration).",
            discussion: """
                Turns NAME into an `oauth` (manual client) connection and keeps its redirect URI, \
                http://127.0.0.1:PORT/callback: register exactly that URI with the client. Stored tokens are dropped; \
                run `switchboard connect NAME` next. A client secret is bound to the authorization server the \
                connection's server names now (or to --issuer) and is never sent to another one.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The connection's name.") var name: String
        @Option(name: .customLong("client-id"), help: "The client id from the provider's dashboard.") var clientID: String
        @Flag(name: .customLong("client-secret-stdin"), help: "Read the client secret from standard input.") var clientSecretStdin = false
        @Option(name: .customLong("redirect-port"), help: "The port of the redirect URI you registered (default: keep the connection's).") var redirectPort: Int?
        @Option(name: .customLong("issuer"), help: "With --client-secret-stdin: the authorization server the secret belongs to (default: the one the server names now).") var issuer: String?

        func run() async throws {
            let integrations = global.integrations()
            if issuer != nil, !clientSecretStdin { throw CLIError.usage("--issuer names the authorization server a client secret belongs to: it goes with --client-secret-stdin") }
            var secret: String?
            var bound: String?
            if clientSecretStdin {
                // The issuer before the secret: when it cannot be found, nobody typed a secret for nothing.
                bound = try await global.clientIssuer(
                    named: issuer, serverURL: try integrations.connection(named: name).serverURL,
                    naming: .setClient(connection: name, secret: true, issuer: true))
                secret = SecretInput.read(prompt: "Client secret for \(name): ")
                guard secret != nil else { throw CLIError.usage("no client secret arrived on standard input") }
            }
            let port = try integrations.setManualClient(named: name, clientID: clientID, clientSecret: secret, clientIssuer: bound, redirectPort: redirectPort)
            let name = (try? integrations.connection(named: name).name) ?? name
            Output.line("\(name) now signs in with the client \(Redact.serverText(clientID)) and the redirect URI \(AuthScheme.redirectURI(port: port)). Run `switchboard connect \(name)`.")
            if let bound { Output.line(Self.boundLine(bound)) }
        }

        /// What binding a secret means, in a line.
        static func boundLine(_ issuer: String) -> String {
            "The client secret is bound to issuer \(Redact.serverText(issuer, limit: 120)): Switchboard sends it to no other authorization server (after a move, `connect --trust-new-issuer` agrees)."
        }
    }
}

extension GlobalOptions {
    /// The issuer a client secret entered now is bound to: the one named (`--issuer`), else the one discovery
    /// finds for `serverURL` now. `naming` is offered when discovery fails.
    func clientIssuer(named: String?, serverURL: URL, naming: Remedy) async throws -> String {
        if let named { return try ClientBinding.namedIssuer(named) }
        let engine = engine("set-client", browser: NoBrowser())
        do {
            return try await engine.closing { try await ClientBinding.discoverIssuer(for: serverURL, http: engine.http, naming: naming) }
        } catch {
            let e = AcquisitionError.network(error, doing: "Discovery")
            throw CLIError.failure(e.description)
        }
    }
}
