import Foundation

/// Rules for the URLs Switchboard sends requests to: https, except on loopback.
public enum ServerURL {
    /// The host and port of a proxy variable's value (`HTTPS_PROXY=host:port` or a URL; a URL may carry a
    /// password, which is never returned).
    public static func proxyAddress(_ raw: String) -> (host: String, port: Int?)? {
        guard let u = URL(string: raw.contains("://") ? raw : "http://" + raw), let host = u.host else { return nil }
        return (host, u.port)
    }

    /// Parses and checks a server URL a person typed.
    public static func parse(_ text: String) throws(InvalidInput) -> URL {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(),
              let host = url.host, !host.isEmpty else {
            throw InvalidInput("`\(text)` is not a URL; give the full address, e.g. https://mcp.example.com/mcp")
        }
        guard url.user == nil, url.password == nil else {
            throw InvalidInput("the URL holds a user name or password; remove it and use `--scheme bearer` for static credentials")
        }
        guard url.fragment == nil else {
            throw InvalidInput("the URL has a `#` fragment; remove it")
        }
        switch scheme {
        case "https": return url
        case "http":
            guard isLoopback(host: host) else {
                throw InvalidInput("`\(text)` uses http to a host that is not loopback; use https (http is only allowed for 127.0.0.1, ::1 and localhost)")
            }
            return url
        default:
            throw InvalidInput("`\(text)` uses `\(scheme)`; only https (or http on loopback) is supported")
        }
    }

    /// Whether an endpoint may be used: https, or http on loopback. With `server` (the MCP server that
    /// advertised it), plain http is accepted only when that server is itself on loopback: a remote
    /// server must not send credentials to whatever listens on this machine's loopback.
    public static func isAllowedEndpoint(_ url: URL, advertisedBy server: URL? = nil) -> Bool {
        switch url.scheme?.lowercased() {
        case "https": return url.host?.isEmpty == false
        case "http":
            guard let host = url.host, isLoopback(host: host) else { return false }
            guard let server else { return true }
            return server.scheme?.lowercased() == "http" && server.host.map(isLoopback(host:)) == true
        default: return false
        }
    }

    /// Literal loopback only: 127.0.0.0/8, ::1 and `localhost`. Not `*.localhost`: such names are
    /// resolved by whatever DNS the machine uses, and need not lead to this machine.
    public static func isLoopback(host rawHost: String) -> Bool {
        var host = rawHost.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "127" else { return false }
        return parts.allSatisfy { part in UInt8(part).map { _ in true } ?? false }
    }

    /// The canonical resource URI (RFC 8707 / MCP): scheme and host lower-cased, default port dropped,
    /// no fragment, no query, no trailing slash.
    public static func canonicalResource(_ url: URL) -> String {
        guard var c = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return url.absoluteString }
        c.scheme = c.scheme?.lowercased()
        c.host = c.host?.lowercased()
        if (c.scheme == "https" && c.port == 443) || (c.scheme == "http" && c.port == 80) { c.port = nil }
        c.fragment = nil
        c.query = nil
        while c.path.count > 1, c.path.hasSuffix("/") { c.path.removeLast() }
        if c.path == "/" { c.path = "" }
        return c.string ?? url.absoluteString
    }

    /// `scheme://host[:port]` of a URL.
    public static func origin(_ url: URL) -> URL? {
        guard var c = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return nil }
        c.path = ""
        c.query = nil
        c.fragment = nil
        c.user = nil
        c.password = nil
        return c.url
    }
}
