import Acquisition
import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardWiring
import SwitchboardFixtures

extension Switchboard {
    /// `switchboard token NAME`: a credential helper for other programs.
    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "token",
            abstract: "Print a valid access token (refreshing if needed), or a bearer connection's static token, and nothing else.",
            discussion: "When the connection needs a reconnect, prints nothing on stdout, one line on stderr, and exits 3.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The connection's name.") var name: String

        func run() async throws {
            let engine = global.engine("token", browser: NoBrowser())
            let connection = try engine.integrations.connection(named: name)
            // The same credential `headers` sends: an OAuth token (refreshed if needed) or a static bearer token.
            let token: String?
            do { token = try await engine.authorizer(connection).bearer() } catch { throw engine.cliError(error, name: name) }
            guard let token else {
                throw CLIError.usage("`\(name)` uses no authorization; there is no token to print")
            }
            try Output.credential(token)
        }
    }

    /// `switchboard refresh NAME`: refresh now, even while the token is still valid.
    struct Refresh: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "refresh",
            abstract: "Refresh a connection's token now, even if it is still valid.",
            discussion: "Safe to run from several processes at once: refreshes of one connection take turns, and a rotated refresh token is used once. Exits 3 when the connection needs a reconnect.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The connection's name.") var name: String

        func run() async throws {
            let engine = global.engine("refresh", browser: NoBrowser())
            let (_, scheme) = try engine.oauthSchemeForCommand(named: name)
            do {
                let tokens = try await engine.closing { try await engine.actor.refresh(schemeID: scheme.id, force: true) }
                let until = tokens.expiresAt.map { " until " + TimeFormat.clock($0, in: .current) } ?? ""
                Output.line("Refreshed \(name); the new token is valid\(until.isEmpty ? " (the server gave no expiry)" : until).")
            } catch {
                throw engine.cliError(error, name: name)
            }
        }
    }

    /// A built-in headless browser, for `$BROWSER` in tests and the demo: follows redirects into the loopback callback.
    struct HeadlessBrowserCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "headless-browser", abstract: "Visit an authorization URL without a desktop (for tests and demos).", shouldDisplay: false)
        @Argument var url: String
        func run() async throws {
            // The engine's trust: a sign-in page on a private CA loads when SSL_CERT_FILE or SWITCHBOARD_CA_FILE names it.
            let tls = try? TLSTrust.current.get().configuration
            guard let u = URL(string: url), await HeadlessBrowser.visit(u, tls: tls) == 200 else { throw ExitCode(1) }
        }
    }
}
