import Foundation
import SwitchboardCore

/// How the client proves itself at the token and revocation endpoints.
enum ClientAuthentication {
    /// Adds the client's credentials per its registered method to a form and headers.
    static func apply(_ registration: ClientRegistration, form: inout [(String, String)], headers: inout [(String, String)]) {
        switch registration.authMethod {
        case "client_secret_basic" where registration.clientSecret != nil:
            // RFC 6749 §2.3.1: form-encode id and secret before base64.
            let pair = FormEncoding.escape(registration.clientID) + ":" + FormEncoding.escape(registration.clientSecret!)
            headers.append(("Authorization", "Basic " + Data(pair.utf8).base64EncodedString()))
            // `client_id` identifies the client; it is not a second authentication method (the secret stays
            // out of the form). The official MCP Python SDK's and FastMCP's token and revocation endpoints
            // answer `invalid_client: Missing client_id` without it.
            form.append(("client_id", registration.clientID))
        case "client_secret_post" where registration.clientSecret != nil:
            form.append(("client_id", registration.clientID))
            form.append(("client_secret", registration.clientSecret!))
        default:
            form.append(("client_id", registration.clientID))
        }
    }

}
