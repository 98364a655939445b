import Foundation
import SwitchboardCore

extension TokenKeeper {
    struct DeviceAuthorization: Decodable {
        var deviceCode: String
        var userCode: String
        var verificationURI: String
        var verificationURIComplete: String?
        var expiresIn: Double
        var interval: Double?
        enum CodingKeys: String, CodingKey {
            case deviceCode = "device_code", userCode = "user_code", verificationURI = "verification_uri"
            case verificationURIComplete = "verification_uri_complete", expiresIn = "expires_in", interval
        }
    }

    /// RFC 8628: a code the person enters on any device, while Switchboard polls the token endpoint.
    func authorizeWithDeviceCode(_ flow: ConnectFlow) async throws -> StoredGrant {
        let (connection, scheme, found, meta, emit) = (flow.connection, flow.scheme, flow.found, flow.meta, flow.emit)
        signInMethod[scheme.id] = .device
        guard let endpoint = meta.deviceAuthorizationEndpoint.flatMap(URL.init(string:)),
              let tokenEndpoint = meta.tokenEndpoint.flatMap(URL.init(string:)) else {
            throw AcquisitionError(.discoveryFailed, "The server offers no device authorization.")
        }
        var client = flow.choice.client
        if client == nil {
            await emit(.registeringClient(endpoint: meta.registrationEndpoint.map { Redact.url(URL(string: $0)!) } ?? meta.issuer))
            let reg = try await DynamicRegistration(http: env.http, clientName: env.clientName)
                .register(at: meta, redirectURI: "http://127.0.0.1/callback", now: env.now(), connectionName: connection.name,
                          serverURL: connection.serverURL.absoluteString, extraGrantTypes: ["urn:ietf:params:oauth:grant-type:device_code"])
            client = reg
            await emit(.clientRegistered(clientID: reg.clientID))
        }
        guard let client else { throw AcquisitionError(.registrationFailed, "No client.") }
        let scopes = Self.scopes(requested: scheme.scopes, discovery: found)
        var form = [("resource", found.resource)]
        if let scopes { form.append(("scope", scopes.joined(separator: " "))) }
        var headers = [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")]
        ClientAuthentication.apply(client, form: &form, headers: &headers)
        let response: HTTPResponseSpec
        do {
            response = try await env.http.send(HTTPRequestSpec(method: "POST", url: endpoint, headers: headers, body: Data(FormEncoding.encode(form).utf8)))
        } catch {
            throw AcquisitionError.network(error, doing: "Asking \(Redact.url(endpoint)) for a device code")
        }
        guard response.status == 200, let device = try? JSONDecoder().decode(DeviceAuthorization.self, from: response.body) else {
            let detail = OAuthErrorBody.from(response.body)?.text ?? "HTTP \(response.status)"
            throw AcquisitionError(.authorizationFailed, "The device authorization request failed: \(detail).",
                                   remedy: .advice("Connect with the browser instead."))
        }
        // The server's numbers are bounded before use (an absurd interval would trap in the sleep below).
        let expiresAt = env.now().addingTimeInterval(min(max(device.expiresIn, 1), 3600))
        await emit(.deviceCode(userCode: device.userCode, verificationURI: device.verificationURI,
                               verificationURIComplete: device.verificationURIComplete, expiresAt: expiresAt))
        var interval = min(max(1, device.interval ?? 5), 60)
        let tokens = TokenClient(http: env.http)
        while true {
            try await env.time.sleep(for: .seconds(interval))
            guard env.now() < expiresAt else { throw Self.deviceExpired }
            switch await tokens.pollDevice(device.deviceCode, resource: found.resource, registration: client, endpoint: tokenEndpoint) {
            case .pending: continue
            case .slowDown: interval = min(interval + 5, 60)
            case .denied:
                throw AcquisitionError(.accessDenied, "The request was denied on the verification page.",
                                       remedy: .advice("Connect again and approve the request."))
            case .expired: throw Self.deviceExpired
            case .failed(let why):
                throw AcquisitionError(.invalidTokenResponse, "The device sign-in failed: \(why).", remedy: .advice("Connect again."))
            case .granted(let grant):
                await emit(.exchangingCode)
                return try await store(grant: grant, schemeID: scheme.id, scheme: scheme, meta: meta, found: found, client: client,
                                 requestedScopes: scopes, tokenEndpoint: tokenEndpoint)
            }
        }
    }

    static let deviceExpired = AcquisitionError(.callbackTimedOut, "The device code expired before it was approved.",
                                                remedy: .advice("Connect again and enter the new code promptly."))
}
