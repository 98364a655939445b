import Foundation
import SwitchboardCore

/// Which client a sign-in uses, decided once from what is stored and what the authorization server offers.
/// Pure: connect, the device flow and the doctor all call `decide`, so the doctor predicts exactly what
/// connect does.
public enum ClientChoice: Equatable, Sendable {
    /// The client the person registered in the provider's dashboard (`set-client`).
    case manual(ClientRegistration)
    /// A Client ID Metadata Document URL is the client id; nothing is registered.
    case metadataDocument(ClientRegistration)
    /// The registration stored for this issuer, still usable.
    case stored(ClientRegistration)
    /// Register a new client; `why` says why a stored one is not reused (nil: there is none).
    case register(why: String?)
    /// The server offers no registration and no other client fits: the manual path.
    case registrationNotOffered
    /// The person's client secret belongs to another authorization server; nothing is sent.
    case secretBoundElsewhere(boundTo: String)

    /// The inputs of the decision.
    public struct Inputs: Sendable {
        public var scheme: AuthScheme
        public var secrets: SchemeSecrets
        public var server: AuthorizationServerMetadata
        /// The global Client ID Metadata Document URL (`SWITCHBOARD_CLIENT_METADATA_URL`), if any.
        public var configuredDocument: String?
        /// `--new-port` / a stored client the server no longer knows: register afresh.
        public var forceRegistration = false
        /// The person agreed to send their secret to a new authorization server.
        public var trustNewIssuer = false
        public var now: Date

        public init(scheme: AuthScheme, secrets: SchemeSecrets, server: AuthorizationServerMetadata, configuredDocument: String?,
                    forceRegistration: Bool = false, trustNewIssuer: Bool = false, now: Date) {
            self.scheme = scheme
            self.secrets = secrets
            self.server = server
            self.configuredDocument = configuredDocument
            self.forceRegistration = forceRegistration
            self.trustNewIssuer = trustNewIssuer
            self.now = now
        }
    }

    public static func decide(_ i: Inputs) -> ClientChoice {
        let issuer = i.server.issuer
        let stored = i.secrets.registrations[issuer]
        if i.scheme.kind == .oauthManual, let clientID = i.scheme.clientID {
            let secret = i.secrets.manualClientSecret
            if secret != nil, !i.trustNewIssuer, let bound = i.secrets.manualClientIssuer, !Issuer.sameAllowingTrailingSlash(bound, issuer) {
                return .secretBoundElsewhere(boundTo: bound)
            }
            return .manual(ClientRegistration(
                issuer: issuer, clientID: clientID, clientSecret: secret,
                authMethod: TokenEndpointAuth.methodForSecret(secret != nil, supported: i.server.tokenEndpointAuthMethodsSupported),
                // The redirect URI is the listener's, set when it is bound (the person registered its port).
                redirectURI: "", registeredAt: i.now))
        }
        if let document = i.scheme.clientMetadataURL ?? i.configuredDocument, i.server.clientIDMetadataDocumentSupported == true {
            // The MCP specification's preferred identification: the document's URL is the client id.
            return .metadataDocument(ClientRegistration(issuer: issuer, clientID: document, authMethod: "none", redirectURI: "", registeredAt: i.now))
        }
        var why: String?
        if let stored {
            if i.forceRegistration {
                why = "a new registration was asked for"
            } else if let expires = stored.clientSecretExpiresAt, expires <= i.now {
                why = "the stored client's secret expired"
            } else if let port = i.scheme.redirectPort, stored.redirectURI != AuthScheme.redirectURI(port: port) {
                why = "the stored client was registered for another redirect URI"
            } else {
                return .stored(stored)
            }
        }
        guard i.server.registrationEndpoint != nil else { return .registrationNotOffered }
        return .register(why: why)
    }

    /// The client to start the flow with; nil when one is to be registered (the redirect URI comes first).
    public var client: ClientRegistration? {
        switch self {
        case .manual(let c), .metadataDocument(let c), .stored(let c): c
        case .register, .registrationNotOffered, .secretBoundElsewhere: nil
        }
    }

    /// What Switchboard will do, in a sentence (the doctor's prediction).
    public var plan: String {
        switch self {
        case .manual(let c): "Sign in with your client \(c.clientID) in the browser."
        case .metadataDocument(let c): "Use \(c.clientID) as the client id (no registration) and sign in in the browser."
        case .stored: "Reuse the stored client and sign in in the browser."
        case .register(let why): "Register a client" + (why.map { " (\($0))" } ?? "") + ", then sign in in the browser."
        case .registrationNotOffered:
            "Stop: the server offers no registration. Register a client in its dashboard and enter it as this connection's client."
        case .secretBoundElsewhere(let bound):
            "Stop: your client secret belongs to \(bound), not this authorization server; confirm the move (trust the new issuer) or enter another client."
        }
    }
}
