import Foundation
import SwitchboardCore

/// Checks an authorization response (the redirect to our callback) — from the listener or pasted by a person.
public struct CallbackValidator: Sendable, Equatable {
    public var expectedState: String
    public var issuer: String
    /// The server advertises `authorization_response_iss_parameter_supported`: `iss` must be present.
    public var issRequired: Bool

    public init(expectedState: String, issuer: String, issRequired: Bool) {
        self.expectedState = expectedState
        self.issuer = issuer
        self.issRequired = issRequired
    }

    /// The authorization code, or why the response must not be used.
    public func validate(_ query: [(String, String)]) -> Result<String, AcquisitionError> {
        func first(_ name: String) -> String? { query.first { $0.0 == name }?.1 }
        guard let state = first("state"), state == expectedState else {
            return .failure(AcquisitionError(.stateMismatch, "The sign-in response does not belong to this sign-in (its state does not match).",
                                             remedy: .advice("Start the sign-in again from Switchboard; do not reuse an old browser tab.")))
        }
        // RFC 9207: check `iss` before acting on, or showing, anything else in the response.
        let iss = first("iss")
        if let iss, iss != issuer {
            return .failure(AcquisitionError(.issuerParameterMismatch, "The sign-in response came from a different authorization server than expected (iss does not match \(issuer)).",
                                             remedy: .advice("This may be a mix-up attack; start the sign-in again.")))
        }
        if iss == nil, issRequired {
            return .failure(AcquisitionError(.issuerParameterMismatch, "The sign-in response lacks the `iss` parameter that \(issuer) promises to send.",
                                             remedy: .advice("Start the sign-in again; if it keeps failing, contact the server's operator.")))
        }
        if let error = first("error") {
            if error == "access_denied" {
                return .failure(AcquisitionError(.accessDenied, "Access was denied in the browser.",
                                                 remedy: .advice("Connect again and approve the request to use this server.")))
            }
            let description = first("error_description").map { ": " + Redact.serverText($0) } ?? ""
            return .failure(AcquisitionError(.authorizationFailed, "The authorization server refused: \(Redact.serverText(error, limit: 60))\(description).",
                                             remedy: .advice("Try again; if it persists, check the connection's scopes and client.")))
        }
        guard let code = first("code"), !code.isEmpty else {
            return .failure(AcquisitionError(.authorizationFailed, "The sign-in response has no authorization code.", remedy: .advice("Start the sign-in again.")))
        }
        return .success(code)
    }
}
