import ArgumentParser
import Foundation
import SwitchboardCore

extension Switchboard {
    /// `switchboard add NAME URL`.
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add",
            abstract: "Add a connection.",
            discussion: """
                Schemes: oauth-dynamic (default: discovery and dynamic registration), oauth (a client you \
                registered yourself: --client-id, optionally --client-secret-stdin), bearer (a static token read \
                from standard input), none. A client secret is bound to the authorization server the server names \
                now (or to --issuer) and is never sent to another one.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "A short name, e.g. `linear` (letters, digits, `.`, `_`, `-`).") var name: String
        @Argument(help: "The server URL (https, or http on loopback).") var url: String
        @Option(help: "How the server is authorized.") var scheme: AuthScheme.Kind = .oauthDynamic
        @Option(name: .customLong("client-id"), help: "The client id registered in the provider's dashboard (with --scheme oauth).") var clientID: String?
        @Flag(name: .customLong("client-secret-stdin"), help: "Read the client secret from standard input (with --scheme oauth).") var clientSecretStdin = false
        @Option(name: .customLong("scope"), help: "A scope to request; repeat for more.") var scopes: [String] = []
        @Option(name: .customLong("redirect-port"), help: "The port of the redirect URI http://127.0.0.1:PORT/callback (with --scheme oauth: the URI you registered; default: one chosen now and kept).") var redirectPort: Int?
        @Option(name: .customLong("client-metadata-url"), help: "An https URL of a Client ID Metadata Document to use as the client id where supported.") var clientMetadataURL: String?
        @Flag(name: .customLong("another-account"), help: "Allow a second connection to a server another connection already signs in to (another account).") var anotherAccount = false
        @Option(name: .customLong("issuer"), help: "With --client-secret-stdin: the authorization server the secret belongs to (default: the one the server names now).") var issuer: String?

        func run() async throws {
            let kind = scheme
            if redirectPort != nil, !kind.isOAuth { throw CLIError.usage("--redirect-port goes with an OAuth scheme only") }
            // A manual client's redirect URI must be known before the first sign-in: choose its port now.
            let port = try redirectPort ?? (kind == .oauthManual ? FreePort.pick() : nil)
            var request = NewConnection(name: name, url: url, kind: kind, clientID: clientID, scopes: scopes,
                                        clientMetadataURL: clientMetadataURL, redirectPort: port)
            // Check the cheap things before asking for a secret.
            if kind != .bearer { _ = try request.validate() } else {
                try Connection.validateName(name)
                _ = try ServerURL.parse(url)
            }
            if issuer != nil, !clientSecretStdin { throw CLIError.usage("--issuer names the authorization server a client secret belongs to: it goes with --client-secret-stdin") }
            if kind == .bearer { request.bearerToken = SecretInput.read(prompt: "Bearer token for \(name): ") }
            if clientSecretStdin {
                guard kind == .oauthManual else { throw CLIError.usage("--client-secret-stdin goes with --scheme oauth only") }
                // The issuer before the secret: when it cannot be found, nobody typed a secret for nothing.
                request.clientIssuer = try await global.clientIssuer(
                    named: issuer, serverURL: try ServerURL.parse(url),
                    naming: .addWithClient(connection: name))
                request.clientSecret = SecretInput.read(prompt: "Client secret for \(name): ")
                guard request.clientSecret != nil else { throw CLIError.usage("no client secret arrived on standard input") }
            }
            let connection = try global.integrations().add(request, anotherAccount: anotherAccount)
            let next = switch kind {
            case .oauthDynamic, .oauthManual: " Run `switchboard connect \(connection.name)` to sign in."
            default: ""
            }
            Output.line("Added \(connection.name) (\(kind.rawValue)) → \(connection.serverURL.absoluteString).\(next)")
            if kind == .oauthManual, let port {
                Output.line("The client must allow the redirect URI \(AuthScheme.redirectURI(port: port)).")
            }
            if request.clientSecret != nil, let bound = request.clientIssuer { Output.line(SetClient.boundLine(bound)) }
        }
    }
}

/// `--scheme oauth-dynamic|oauth|bearer|none`: ArgumentParser lists the values in help and refuses others.
extension AuthScheme.Kind: ExpressibleByArgument {}
