import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

    /// Why an endpoint may not be used.
    public enum EndpointRefusal: Sendable, Equatable, CustomStringConvertible {
        /// Neither https nor http on loopback (or http on loopback named by a server that is not there).
        case insecure
        /// On this machine, named by a server that is not: a remote server must not make Switchboard send
        /// requests (and credentials) to whatever listens here.
        case thisMachine

        public var description: String {
            switch self {
            case .insecure: "is not https (only loopback may use http)"
            case .thisMachine: "is on this machine, and a server elsewhere may not send Switchboard there"
            }
        }
    }

    /// Whether an endpoint may be used: https, or http on loopback. With `server` (the MCP server that named
    /// it, directly or through its metadata), nothing on this machine (`reachesThisMachine`), over any
    /// scheme, unless that server is on this machine too; and plain http only when it is itself on loopback.
    public static func endpointRefusal(_ url: URL, advertisedBy server: URL? = nil) -> EndpointRefusal? {
        guard let host = url.host, !host.isEmpty else { return .insecure }
        if let server, reachesThisMachine(host: host), !(server.host.map(reachesThisMachine(host:)) ?? false) { return .thisMachine }
        switch url.scheme?.lowercased() {
        case "https": return nil
        case "http":
            guard isLoopback(host: host) else { return .insecure }
            guard let server else { return nil }
            return server.scheme?.lowercased() == "http" && server.host.map(isLoopback(host:)) == true ? nil : .insecure
        default: return .insecure
        }
    }

    public static func isAllowedEndpoint(_ url: URL, advertisedBy server: URL? = nil) -> Bool {
        endpointRefusal(url, advertisedBy: server) == nil
    }

    /// Whether a host names this machine in any spelling the resolver accepts: `localhost` and its
    /// subdomains (which systemd-resolved and browsers send to loopback), a trailing dot, 127.0.0.0/8 and
    /// 0.0.0.0/8 (which Linux connects to loopback) written as `inet_aton` reads them (`127.1`,
    /// `2130706433`, `0x7f000001`, `0177.0.0.1`), and `::1`, `::` and IPv4-mapped forms of those. A DNS
    /// name that resolves here is not caught: this is a check of the address as named.
    public static func reachesThisMachine(host rawHost: String) -> Bool {
        var host = rawHost.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if let zone = host.firstIndex(of: "%") { host = String(host[..<zone]) }
        while host.hasSuffix(".") { host.removeLast() }
        if host.isEmpty || host == "localhost" || host.hasSuffix(".localhost") { return true }
        var v4 = in_addr()
        if inet_aton(host, &v4) != 0 { return [0, 127].contains(UInt32(bigEndian: v4.s_addr) >> 24) }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, host, &v6) == 1 else { return false }
        let bytes = withUnsafeBytes(of: v6) { Array($0) }
        let zeroPrefix = bytes[0..<10].allSatisfy { $0 == 0 }
        // ::1 and :: themselves; ::ffff:a.b.c.d (mapped) and ::a.b.c.d (the old compatible form) for local a.
        if zeroPrefix && bytes[10..<15].allSatisfy({ $0 == 0 }) && bytes[15] <= 1 { return true }
        let mapped = zeroPrefix && ((bytes[10] == 0xFF && bytes[11] == 0xFF) || (bytes[10] == 0 && bytes[11] == 0))
        return mapped && [0, 127].contains(bytes[12])
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
