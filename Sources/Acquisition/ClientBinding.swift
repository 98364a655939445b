import Foundation
import SwitchboardCore

/// The authorization server a client secret belongs to, settled when the person enters the secret
/// (a connection added with its own client, or a client entered later), not at its first use: before the first sign-in the
/// metadata could name any server, and the device flow would send it the secret with no step in a browser.
public enum ClientBinding {
    /// The issuer discovery finds for `serverURL` now. On failure the error says that nothing was stored and
    /// offers `naming`, the remedy that names the issuer by hand.
    public static func discoverIssuer(for serverURL: URL, http: any HTTPTransport, naming: Remedy) async throws -> String {
        do {
            return try await Discovery(http: http).run(serverURL: serverURL).authorizationServer.issuer
        } catch {
            let e = AcquisitionError.network(error, doing: "Discovery")
            throw AcquisitionError(e.code,
                "Could not find the authorization server of \(Redact.url(serverURL)) to bind your client secret to, so nothing was stored: \(e.message)",
                remedies: e.remedies + [RemedyStep(.advice("Then enter the client again.")),
                                        RemedyStep(naming, when: "Or, to name its authorization server yourself (the `issuer` of the server's OAuth metadata)")])
        }
    }

    /// An issuer the person names (`--issuer URL`): https, or http on loopback; no query or fragment (RFC 8414 §2).
    public static func namedIssuer(_ text: String) throws(InvalidInput) -> String {
        let url = try ServerURL.parse(text)
        guard url.query == nil else { throw InvalidInput("an issuer has no `?` query; give the `issuer` of the server's OAuth metadata, e.g. https://auth.example.com") }
        return url.absoluteString
    }
}
