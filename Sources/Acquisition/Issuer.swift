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

    /// `issuer` as `list` spells it (an exact match first, else one differing by the trailing slash); nil
    /// when the list does not hold it. Every place that looks for a known issuer among the ones a resource
    /// lists asks this, so the first connect, a reconnect and the moved-server check agree.
    public static func listed(_ issuer: String, in list: [String]) -> String? {
        list.first { $0 == issuer } ?? list.first { sameAllowingTrailingSlash($0, issuer) }
    }
}
