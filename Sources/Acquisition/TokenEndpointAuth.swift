import Foundation

/// How the client authenticates at the token endpoint.
public enum TokenEndpointAuth {
    /// For a client Switchboard registers: `none` if offered, else `client_secret_basic`, else `client_secret_post`.
    public static func methodForRegistration(supported: [String]?) -> String {
        guard let supported else { return "client_secret_basic" } // RFC 8414 default
        if supported.contains("none") { return "none" }
        if supported.contains("client_secret_basic") { return "client_secret_basic" }
        if supported.contains("client_secret_post") { return "client_secret_post" }
        return "none"
    }

    /// For a client with or without a secret the person gave: `none` without one; with one, Basic unless the
    /// server lists only POST.
    public static func methodForSecret(_ hasSecret: Bool, supported: [String]?) -> String {
        guard hasSecret else { return "none" }
        if let supported, !supported.contains("client_secret_basic"), supported.contains("client_secret_post") { return "client_secret_post" }
        return "client_secret_basic"
    }
}
