import Acquisition
import ArgumentParser
import Foundation
import SwitchboardCore

extension Switchboard {
    /// `switchboard set-client NAME --client-id ID`: the manual path, without removing the connection.
    struct SetClient: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-client",
            abstract: "Use a client you registered in the provider's dashboard (for servers that refuse self-registration).",
            discussion: """
                Turns NAME into an `oauth` (manual client) connection and keeps its redirect URI, \
                http://127.0.0.1:PORT/callback: register exactly that URI with the client. Stored tokens are dropped; \
                run `switchboard connect NAME` next.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The connection's name.") var name: String
        @Option(name: .customLong("client-id"), help: "The client id from the provider's dashboard.") var clientID: String
        @Flag(name: .customLong("client-secret-stdin"), help: "Read the client secret from standard input.") var clientSecretStdin = false
        @Option(name: .customLong("redirect-port"), help: "The port of the redirect URI you registered (default: keep the connection's).") var redirectPort: Int?

        func run() throws {
            let integrations = global.integrations()
            var secret: String?
            if clientSecretStdin {
                secret = SecretInput.read(prompt: "Client secret for \(name): ")
                guard secret != nil else { throw CLIError.usage("no client secret arrived on standard input") }
            }
            let port = try integrations.setManualClient(named: name, clientID: clientID, clientSecret: secret, redirectPort: redirectPort)
            let name = (try? integrations.connection(named: name).name) ?? name
            Output.line("\(name) now signs in with the client \(Redact.serverText(clientID)) and the redirect URI \(AuthScheme.redirectURI(port: port)). Run `switchboard connect \(name)`.")
        }
    }
}
