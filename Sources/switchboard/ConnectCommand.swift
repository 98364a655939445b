import Acquisition
import ArgumentParser
import CLazyCurl
import Foundation
import SwitchboardCore
import SwitchboardWiring

extension Switchboard {
    /// `switchboard connect NAME` / `reconnect NAME`.
    struct Connect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "connect",
            abstract: "Sign in to a connection: discovery, client registration (first time only), browser sign-in, tokens.",
            aliases: ["reconnect"])

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The connection's name.") var name: String
        @Flag(name: .customLong("new-port"), help: "Register a new client on a fresh callback port (when the registered port is taken).")
        var newPort = false
        @Flag(name: .customLong("no-browser"), help: "Do not open a browser: print the address, and accept the address the browser ended on, pasted here.")
        var noBrowser = false
        @Flag(help: "Use the device code flow (RFC 8628) when the server offers it (the default in remote sessions).")
        var device = false
        @Flag(name: .customLong("no-device"), help: "Never use the device code flow.")
        var noDevice = false
        @Flag(name: .customLong("trust-new-issuer"), help: "Send your client secret to the server's new authorization server (after it moved).")
        var trustNewIssuer = false

        func run() async throws {
            let remoteReason = noBrowser ? "--no-browser was given" : RemoteSession.reason()
            let engine = global.engine("connect", browser: remoteReason == nil ? SystemBrowser() : NoBrowser())
            let (_, scheme) = try engine.oauthSchemeForCommand(named: name)
            if let remoteReason {
                Output.error("switchboard: signing in remotely (\(remoteReason)): the browser can be on another machine.")
            }
            let options = ConnectOptions(forceRegistration: newPort, preferDevice: !noDevice && (device || remoteReason != nil),
                                         noBrowser: remoteReason != nil, trustNewClientIssuer: trustNewIssuer)
            let actor = engine.actor
            let schemeID = scheme.id
            var last: AcquisitionEvent?
            for await event in await actor.connect(schemeID: schemeID, options: options) {
                last = event
                Wiring.print(event)
                if case .waitingForBrowser(_, let redirect, _) = event, remoteReason != nil {
                    Output.line("""
                          When you have signed in, the browser ends on an address that does not load
                          (\(redirect)?code=…). Paste that whole address here and press Enter.
                          Or forward the port from your machine first: \(SSHTunnel.command(redirectURI: redirect) ?? "")
                          """)
                    PasteReader.start { line in
                        switch await actor.deliverPastedCallback(schemeID: schemeID, url: line) {
                        case .success: return true
                        case .failure(let e):
                            Output.error("✕ \(e.description) Still waiting.")
                            return false
                        }
                    }
                }
            }
            guard case .connected(let until) = last else { throw ExitCode(ExitStatus.failure.rawValue) }
            // Said at Connect: a token without a refresh token ends at its expiry, and a sign-in follows.
            if let scheme = try? engine.integrations.connections.scheme(id: schemeID)?.1, scheme.info.renewable == false {
                Output.line("  The server issued no refresh token: \(until.map { "at " + TimeFormat.clock($0) } ?? "when it expires") the token ends; run `\(Remedy.reconnect(connection: name).commandLine ?? "")` then.")
            }
        }
    }

    /// `switchboard doctor NAME`.
    struct Doctor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "doctor",
            abstract: "Replay discovery without signing in and report every step, and what Switchboard would do.",
            discussion: "Without NAME: this installation's version, build, system, home and settings, for a bug report (never a secret).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The connection's name (default: report on the installation).") var name: String?

        func run() async throws {
            guard let name else {
                Output.line(EnvironmentReport.lines(EnvironmentReport.gather(home: global.resolvedHome, integrations: global.integrations())).joined(separator: "\n"))
                return
            }
            let engine = global.engine("doctor", browser: NoBrowser())
            let report = try await engine.doctor(named: name)
            Output.line((["switchboard \(SwitchboardVersion.string)"] + report.lines).joined(separator: "\n"))
            // The one rule (README, exit codes): a command whose check failed exits 1.
            if report.failed { throw ExitCode(ExitStatus.failure.rawValue) }
        }
    }

    /// `switchboard disconnect NAME`.
    struct Disconnect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "disconnect",
            abstract: "Revoke (where the server supports it) and delete a connection's tokens; the client registration is kept.")

        @OptionGroup var global: GlobalOptions
        @Argument(help: "The connection's name.") var name: String

        func run() async throws {
            let engine = global.engine("disconnect", browser: NoBrowser())
            let (_, scheme) = try engine.oauthSchemeForCommand(named: name)
            let events = await Wiring.followAll(await engine.actor.disconnect(schemeID: scheme.id))
            await engine.shutdown()
            guard case .disconnected(let revoked) = events.last else { throw ExitCode(ExitStatus.failure.rawValue) }
            if events.contains(.revoking) && !revoked {
                Output.line("  The server did not confirm the revocation: the tokens are deleted here, but may stay valid there until they expire.")
            }
        }
    }

    /// `switchboard status [NAME]`.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Show each connection's authorization status.",
            discussion: """
                --json prints [{"name", "url", "scheme", "kind", "state", "expiresAt", "needsAttention", "issuer", \
                "message", "remedy", "bridges"}]; "bridges" lists the bridges serving the scheme now ([{"pid", \
                "scheme", "connection", "clientName", "clientVersion", "startedAt", "requests", "lastError", \
                "lastErrorAt"}]) and is absent when none runs. The exit code is 3 when a named connection needs a person to \
                sign in (never connected, expired, in error, or its token lapsed with no refresh token), as `token` \
                exits for it.
                """)

        @OptionGroup var global: GlobalOptions
        @Argument(help: "A connection's name (default: all).") var name: String?
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            let integrations = global.integrations()
            let bridges = BridgeRegistry(home: global.resolvedHome).live()
            if json, name == nil {
                // Every connection: the rows the store keeps next to its file, without decoding it.
                Output.json(try StatusRows.adding(bridges, to: integrations.connections.statusJSON()))
                return
            }
            let all = try integrations.connections.load().connections
            let chosen = try name.map { [try integrations.connection(named: $0)] } ?? all
            if json {
                Output.json(try StatusRows.adding(bridges, to: StatusRows.render(chosen, now: Date())))
            } else if chosen.isEmpty {
                Output.line("No connections yet. Add one with `switchboard add NAME URL`.")
            } else {
                let now = Date()
                for c in chosen { Output.line(ConnectionReport.lines(c, now: now, bridges: bridges).joined(separator: "\n")) }
            }
            // The one rule: 3 when the named connection cannot give a token until a person signs in (what
            // `token NAME` would exit with for it).
            if name != nil, chosen.contains(where: { $0.schemes.contains { $0.standing(at: Date()).needsSignIn } }) {
                throw ExitCode(ExitStatus.needsReconnect.rawValue)
            }
        }
    }
}
