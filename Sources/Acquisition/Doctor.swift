import Foundation
import SwitchboardCore

/// Replays discovery without signing in and says, step by step, what Switchboard sees and would do.
public struct Doctor: Sendable {
    let http: any HTTPTransport
    let secrets: SecretStore
    let clientMetadataURL: String?
    let now: Date

    /// `now`: the engine's clock, so the prediction weighs a stored client's expiry exactly as connect does.
    public init(http: any HTTPTransport, secrets: SecretStore, clientMetadataURL: String? = nil, now: Date) {
        self.http = http
        self.secrets = secrets
        self.clientMetadataURL = clientMetadataURL
        self.now = now
    }

    /// The report as lines of text. Never holds a secret.
    public func report(for connection: Connection) async -> [String] { await diagnose(connection).lines }

    /// The report, and whether discovery failed (`doctor NAME` then exits 1, as every command that fails does).
    public func diagnose(_ connection: Connection) async -> (lines: [String], failed: Bool) {
        let lines = await lines(for: connection)
        return (lines.lines, lines.failed)
    }

    private func lines(for connection: Connection) async -> (lines: [String], failed: Bool) {
        var lines = ["Doctor: \(connection.name) (\(connection.serverURL.absoluteString))", ""]
        guard let scheme = connection.primaryScheme, scheme.kind.isOAuth else {
            lines.append("Scheme \(connection.primaryScheme?.kind.rawValue ?? "none"): nothing to discover.")
            return (lines, false)
        }
        let sink = Discovery.TraceSink()
        let result: Result<DiscoveryResult, AcquisitionError>
        do {
            result = .success(try await Discovery(http: http, sink: sink).run(serverURL: connection.serverURL))
        } catch {
            result = .failure(error as? AcquisitionError ?? AcquisitionError(.network, "\(error)"))
        }
        lines.append("Requests")
        for step in sink.steps.withLock({ $0 }) {
            if step.outcome.count <= 5 {
                lines.append("  \(step.outcome.padding(toLength: 5, withPad: " ", startingAt: 0)) \(step.url)")
            } else {
                lines.append("  \(step.url)\n        → \(step.outcome)")
            }
        }
        lines.append("")
        switch result {
        case .failure(let e):
            lines.append("✕ \(e.message)")
            // Discovery's remedies are advice (no command, no key), so one form serves the screen and the terminal.
            if let remedy = e.remedyText { lines.append("  \(remedy)") }
            return (lines, true)
        case .success(let found):
            let m = found.authorizationServer
            func yes(_ b: Bool) -> String { b ? "yes" : "no" }
            // Every value below is the server's (or from its metadata): each is shown on its own line, as text.
            func shown(_ value: String) -> String { Redact.serverText(value, limit: 300) }
            func shown(_ values: [String]) -> String { Redact.serverList(values).joined(separator: " ") }
            lines.append("Resource")
            lines.append("  metadata          \(found.resourceMetadataURL.map(shown) ?? "none (2025-03-26 fallback: the origin is the authorization server)")")
            lines.append("  resource          \(shown(found.resource))")
            lines.append("  scope to request  \(TokenKeeper.scopes(requested: scheme.scopes, discovery: found).map(shown) ?? "(none: the server's default)")")
            lines.append("Authorization server")
            lines.append("  issuer            \(shown(m.issuer))" + (found.usesDefaultEndpoints ? " (no metadata; default endpoints)" : " (matches the metadata URL)"))
            lines.append("  PKCE S256         \(found.usesDefaultEndpoints ? "assumed" : yes(m.codeChallengeMethodsSupported?.contains("S256") == true))")
            lines.append("  iss in response   \(yes(m.authorizationResponseIssParameterSupported == true))")
            lines.append("  revocation        \(m.revocationEndpoint.map(shown) ?? "no")")
            lines.append("  device flow       \(m.deviceAuthorizationEndpoint.map(shown) ?? "no")")
            lines.append("Client identification")
            let secrets = (try? secrets.secrets(for: scheme.id)) ?? SchemeSecrets()
            let stored = secrets.registrations[m.issuer]
            lines.append("  pre-registered    \(scheme.kind == .oauthManual ? "yes (\(shown(scheme.clientID ?? "")))" : "not configured")")
            let cimd = scheme.clientMetadataURL ?? clientMetadataURL
            lines.append("  metadata document \(m.clientIDMetadataDocumentSupported == true ? "supported" : "not supported")" + (cimd.map { ", configured: \(shown($0))" } ?? ", none configured"))
            lines.append("  registration      \(m.registrationEndpoint.map(shown) ?? "not offered")"
                + (m.tokenEndpointAuthMethodsSupported.map { " (auth: \(Redact.serverList($0).joined(separator: ", ")))" } ?? ""))
            lines.append("  stored client     \(stored.map { "\(shown($0.clientID)) (\(shown($0.authMethod)))" } ?? "none")")
            lines.append("  redirect URI      \(stored?.redirectURI.isEmpty == false ? shown(stored!.redirectURI) : "http://127.0.0.1:<free port>/callback")")
            lines.append("")
            // The same decision connect makes, from the same inputs.
            let plan = ClientChoice.decide(ClientChoice.Inputs(scheme: scheme, secrets: secrets, server: m, configuredDocument: clientMetadataURL, now: now)).plan
            lines.append("Switchboard would: \(plan)" + (m.deviceAuthorizationEndpoint != nil ? " (On a remote machine: the device code flow.)" : ""))
            return (lines, false)
        }
    }
}
