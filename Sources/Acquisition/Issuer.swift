import Foundation

/// Issuer identifiers compared the way real servers need.
public enum Issuer {
    /// Equal, or different by exactly one trailing `/` (same scheme, host, port and path otherwise).
    /// Several production MCP servers list `https://as.example/` in their resource metadata while the
    /// authorization server's metadata says `https://as.example`, or the reverse. Anything else differs.
    public static func sameAllowingTrailingSlash(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        let (long, short) = a.count > b.count ? (a, b) : (b, a)
        return !short.hasSuffix("/") && long == short + "/"
    }
}
