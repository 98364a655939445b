import Foundation
import SwitchboardCore

/// RFC 7591 dynamic client registration.
struct DynamicRegistration {
    let http: any HTTPTransport
    let clientName: String

    struct Response: Decodable {
        var clientID: String?
        var clientSecret: String?
        var clientSecretExpiresAt: Double?
        var tokenEndpointAuthMethod: String?
        enum CodingKeys: String, CodingKey {
            case clientID = "client_id", clientSecret = "client_secret"
            case clientSecretExpiresAt = "client_secret_expires_at", tokenEndpointAuthMethod = "token_endpoint_auth_method"
        }
    }

    func register(at metadata: AuthorizationServerMetadata, redirectURI: String, now: Date, connectionName: String, serverURL: String,
                  extraGrantTypes: [String] = []) async throws -> ClientRegistration {
        guard let endpoint = metadata.registrationEndpoint.flatMap(URL.init(string:)) else {
            throw DynamicRegistration.refused(metadata.issuer, redirectURI: redirectURI, connectionName: connectionName, serverURL: serverURL, why: "does not offer dynamic client registration")
        }
        let method = TokenEndpointAuth.methodForRegistration(supported: metadata.tokenEndpointAuthMethodsSupported)
        let body: [String: Any] = [
            "client_name": clientName,
            "software_id": "switchboard",
            "software_version": SwitchboardVersion.string,
            "redirect_uris": [redirectURI],
            "grant_types": ["authorization_code", "refresh_token"] + extraGrantTypes,
            "response_types": ["code"],
            "application_type": "native",
            "token_endpoint_auth_method": method,
        ]
        let data = try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])
        let response: HTTPResponseSpec
        do {
            response = try await http.send(HTTPRequestSpec(method: "POST", url: endpoint,
                headers: [("Content-Type", "application/json"), ("Accept", "application/json")], body: data))
        } catch {
            throw AcquisitionError.network(error, doing: "Registering a client at \(Redact.url(endpoint))")
        }
        if response.status == 401 || response.status == 403 {
            throw DynamicRegistration.refused(metadata.issuer, redirectURI: redirectURI, connectionName: connectionName, serverURL: serverURL,
                                              why: "refused to register a client (HTTP \(response.status)\(OAuthErrorBody.from(response.body).map { "; it said: “" + $0.text + "”" } ?? ""))")
        }
        guard (200..<300).contains(response.status) else {
            let detail = OAuthErrorBody.from(response.body)?.text ?? "HTTP \(response.status)"
            throw AcquisitionError(.registrationFailed, "Client registration at \(Redact.url(endpoint)) failed: \(detail).",
                                   remedies: (300..<400).contains(response.status)
                                       ? [RemedyStep(.advice("The registration endpoint redirected; Switchboard does not follow redirects there."))]
                                       : [RemedyStep(.advice("Try again later.")),
                                          RemedyStep(.setClient(connection: connectionName, secret: false, issuer: false), when: "Or register a client by hand")])
        }
        guard (try? JSONSerialization.jsonObject(with: response.body)) is [String: Any] else {
            throw AcquisitionError(.registrationFailed, "Client registration at \(Redact.url(endpoint)) answered with something that is not a JSON object.",
                                   remedies: Self.byHand(connectionName))
        }
        guard let r = try? JSONDecoder().decode(Response.self, from: response.body), let clientID = r.clientID, !clientID.isEmpty else {
            throw AcquisitionError(.registrationFailed, "Client registration at \(Redact.url(endpoint)) returned no client_id.",
                                   remedies: Self.byHand(connectionName))
        }
        var chosen = r.tokenEndpointAuthMethod ?? method
        if r.clientSecret == nil { chosen = "none" }
        return ClientRegistration(issuer: metadata.issuer, clientID: clientID, clientSecret: r.clientSecret,
                                  clientSecretExpiresAt: r.clientSecretExpiresAt.flatMap { $0 > 0 ? Date(timeIntervalSince1970: $0) : nil },
                                  authMethod: chosen, redirectURI: redirectURI, registeredAt: now)
    }

    static func refused(_ issuer: String, redirectURI: String, connectionName: String, serverURL: String, why: String) -> AcquisitionError {
        AcquisitionError(.registrationRefused,
            "The authorization server \(issuer) \(why); it does not allow self-registration.",
            remedies: [RemedyStep(.advice("Register a client in the provider's developer dashboard with the redirect URI \(redirectURI)")),
                       RemedyStep(.setClient(connection: connectionName, secret: false, issuer: false), when: "Then, to use it"),
                       RemedyStep(.connect(connection: connectionName), when: "Then, to sign in with it"),
                       RemedyStep(.advice("Switchboard keeps that redirect URI for this connection."))])
    }

    /// A broken registration: a client registered by hand is the way on.
    static func byHand(_ connectionName: String) -> [RemedyStep] {
        [RemedyStep(.advice("The server's registration is broken.")),
         RemedyStep(.setClient(connection: connectionName, secret: false, issuer: false), when: "Register a client by hand; then")]
    }
}
