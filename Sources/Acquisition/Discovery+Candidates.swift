import Foundation
import SwitchboardCore

/// Where discovery looks, in the MCP specification's order, and what a resource may claim.
extension Discovery {
    /// `/.well-known/oauth-protected-resource/<path>` then the root form.
    public static func resourceMetadataCandidates(for server: URL) -> [URL] {
        guard let origin = ServerURL.origin(server)?.absoluteString else { return [] }
        var path = server.path
        while path.hasSuffix("/") { path.removeLast() }
        var out: [URL] = []
        if !path.isEmpty, let u = URL(string: origin + "/.well-known/oauth-protected-resource" + path) { out.append(u) }
        if let u = URL(string: origin + "/.well-known/oauth-protected-resource") { out.append(u) }
        return out
    }

    /// RFC 8414 §3.1 path insertion, then OIDC path insertion and path appending.
    public static func authorizationServerCandidates(issuer: URL) -> [URL] {
        guard let origin = ServerURL.origin(issuer)?.absoluteString else { return [] }
        var path = issuer.path
        while path.hasSuffix("/") { path.removeLast() }
        let list = path.isEmpty
            ? ["/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"]
            : ["/.well-known/oauth-authorization-server" + path, "/.well-known/openid-configuration" + path, path + "/.well-known/openid-configuration"]
        return list.compactMap { URL(string: origin + $0) }
    }

    /// The metadata's `resource` must be the server, or a same-origin path prefix of it.
    package static func resource(_ claimed: String, matches server: URL) -> Bool {
        guard let claimedURL = URL(string: claimed) else { return false }
        let a = ServerURL.canonicalResource(claimedURL), b = ServerURL.canonicalResource(server)
        if a == b { return true }
        guard ServerURL.origin(claimedURL)?.absoluteString.lowercased() == ServerURL.origin(server)?.absoluteString.lowercased() else { return false }
        let prefix = claimedURL.path.hasSuffix("/") ? String(claimedURL.path.dropLast()) : claimedURL.path
        return prefix.isEmpty || server.path == prefix || server.path.hasPrefix(prefix + "/")
    }
}
