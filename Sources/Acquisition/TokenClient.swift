import Foundation
import SwitchboardCore

/// Token endpoint and revocation endpoint calls (RFC 6749 §4.1.3, §6; RFC 7009).
package struct TokenClient {
    let http: any HTTPTransport

    package struct Grant {
        package var accessToken: String
        var refreshToken: String?
        var tokenType: String
        package var expiresIn: TimeInterval?
        var scope: [String]?
    }

    /// Why a token request failed.
    package enum Failure: Error {
        /// The grant or client is no longer valid: `invalid_grant`, `invalid_client`, 401.
        case rejected(code: String, detail: String)
        /// The server or network failed; worth retrying. `advice`: what to do when it is not the network (TLS).
        case transient(String, advice: String? = nil)
        /// The server answered, but not with a usable token.
        case invalid(String)
    }

    func exchange(code: String, verifier: String, redirectURI: String, resource: String,
                  registration: ClientRegistration, endpoint: URL) async throws(Failure) -> Grant {
        try await request(endpoint, registration: registration, form: [
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI),
            ("code_verifier", verifier), ("resource", resource),
        ])
    }

    func refresh(_ refreshToken: String, resource: String, registration: ClientRegistration, endpoint: URL) async throws(Failure) -> Grant {
        try await request(endpoint, registration: registration, form: [
            ("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("resource", resource),
        ])
    }

    /// One poll of the token endpoint in the device flow (RFC 8628 §3.4–3.5).
    enum DevicePoll {
        case granted(Grant), pending, slowDown, denied, expired, failed(String)
    }

    func pollDevice(_ deviceCode: String, resource: String, registration: ClientRegistration, endpoint: URL) async -> DevicePoll {
        var form = [("grant_type", "urn:ietf:params:oauth:grant-type:device_code"), ("device_code", deviceCode), ("resource", resource)]
        var headers = [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")]
        ClientAuthentication.apply(registration, form: &form, headers: &headers)
        guard let response = try? await http.send(HTTPRequestSpec(method: "POST", url: endpoint, headers: headers, body: Data(FormEncoding.encode(form).utf8))) else {
            return .pending // a network hiccup: keep polling until the code expires
        }
        if response.status == 200 {
            do { return .granted(try TokenClient.parse(response.body)) } catch {
                if case .invalid(let why) = error { return .failed(why) }
                return .failed("the token response is not usable")
            }
        }
        let body = OAuthErrorBody.from(response.body)
        switch body?.error {
        case "authorization_pending": return .pending
        case "slow_down": return .slowDown
        case "access_denied": return .denied
        case "expired_token": return .expired
        default: return .failed(body?.text ?? "HTTP \(response.status)")
        }
    }

    /// Best effort: returns whether the server accepted.
    func revoke(_ token: String, hint: String, registration: ClientRegistration, endpoint: URL) async -> Bool {
        var form = [("token", token), ("token_type_hint", hint)]
        var headers = [("Content-Type", "application/x-www-form-urlencoded")]
        ClientAuthentication.apply(registration, form: &form, headers: &headers)
        let r = try? await http.send(HTTPRequestSpec(method: "POST", url: endpoint, headers: headers, body: Data(FormEncoding.encode(form).utf8)))
        return r.map { $0.status == 200 } ?? false
    }

    private func request(_ endpoint: URL, registration: ClientRegistration, form base: [(String, String)]) async throws(Failure) -> Grant {
        var form = base
        var headers = [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")]
        ClientAuthentication.apply(registration, form: &form, headers: &headers)
        let response: HTTPResponseSpec
        do {
            response = try await http.send(HTTPRequestSpec(method: "POST", url: endpoint, headers: headers, body: Data(FormEncoding.encode(form).utf8)))
        } catch is CancellationError {
            throw .transient("cancelled")
        } catch {
            throw .transient("\(error)", advice: (error as? AdvisedFailure)?.advice)
        }
        if (300..<400).contains(response.status) {
            throw .invalid("the token endpoint redirected (HTTP \(response.status)); Switchboard does not follow redirects there")
        }
        guard response.status == 200 else {
            let body = OAuthErrorBody.from(response.body)
            let code = body?.error ?? ""
            if response.status == 401 || ["invalid_grant", "invalid_client", "unauthorized_client"].contains(code) {
                throw .rejected(code: code.isEmpty ? "HTTP \(response.status)" : code, detail: body?.text ?? "HTTP \(response.status)")
            }
            if response.status >= 500 || response.status == 429 { throw .transient("HTTP \(response.status)") }
            throw .invalid(body?.text ?? "HTTP \(response.status)")
        }
        if let type = response.value("Content-Type"), !type.lowercased().contains("json") {
            throw .invalid("the token endpoint answered with `\(Redact.serverText(type, limit: 40))`, not JSON")
        }
        return try TokenClient.parse(response.body)
    }

    /// A number from a server, for a message: whole when it is one, never trapping.
    static func describe(_ value: Double) -> String {
        abs(value) < 1e15 && value == value.rounded() ? String(Int64(value)) : String(format: "%.3g", value)
    }

    /// Validates a token response: `access_token` and a Bearer `token_type` are required; `expires_in` must be sane.
    package static func parse(_ data: Data) throws(Failure) -> Grant {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw .invalid("the token response is not a JSON object")
        }
        if let error = object["error"] as? String {
            // An error in a 200 answer (RFC 6749 wants 400): still an error.
            throw .invalid("the token endpoint answered 200 with the error `\(Redact.serverText(error, limit: 40))`")
        }
        guard let value = object["access_token"] else { throw .invalid("the token response has no access_token") }
        guard let access = value as? String else { throw .invalid("the token response's access_token is not a string") }
        guard !access.isEmpty else { throw .invalid("the token response's access_token is empty") }
        // RFC 6749 A.12: a token is visible ASCII. Anything else cannot go into an Authorization header,
        // and would reach terminals and other programs through `token` and `headers`.
        guard isTokenText(access) else { throw .invalid("the token response's access_token holds characters a token cannot have (control, space or non-ASCII)") }
        guard let type = object["token_type"] as? String else { throw .invalid("the token response has no token_type") }
        guard type.caseInsensitiveCompare("Bearer") == .orderedSame else {
            throw .invalid("the token type is `\(Redact.serverText(type, limit: 30))`, not Bearer")
        }
        var expiresIn: TimeInterval?
        if let raw = object["expires_in"] {
            let value: Double? = (raw as? NSNumber)?.doubleValue ?? (raw as? String).flatMap(Double.init)
            guard let value, value.isFinite else { throw .invalid("expires_in is not a number") }
            // Never `Int(value)` on a server's number: it traps outside Int's range (found by fuzzing).
            guard value > 0 else { throw .invalid("expires_in is \(Self.describe(value)), not a positive number of seconds") }
            guard value <= 10 * 365 * 86400 else { throw .invalid("expires_in is \(Self.describe(value)) seconds, which is absurd") }
            expiresIn = value
        }
        let refresh = (object["refresh_token"] as? String).flatMap { $0.isEmpty ? nil : $0 }
        if let refresh, !isTokenText(refresh) { throw .invalid("the token response's refresh_token holds characters a token cannot have") }
        let scope = (object["scope"] as? String).map { $0.split(separator: " ").map(String.init) }
        return Grant(accessToken: access, refreshToken: refresh, tokenType: "Bearer", expiresIn: expiresIn, scope: scope)
    }

    /// 1 to 64 KiB of visible ASCII (`%x21-7E`).
    static func isTokenText(_ text: String) -> Bool {
        text.utf8.count <= 65536 && text.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F }
    }
}
