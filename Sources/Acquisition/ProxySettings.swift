import Foundation
import SwitchboardCore

/// `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY`, read once.
public struct ProxySettings: Sendable {
    public var server: (host: String, port: Int)?
    public var noProxy: [String]

    public init(server: (host: String, port: Int)?, noProxy: [String]) {
        self.server = server
        self.noProxy = noProxy
    }

    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) -> ProxySettings {
        let raw = env["HTTPS_PROXY"] ?? env["https_proxy"] ?? env["HTTP_PROXY"] ?? env["http_proxy"]
        let server = raw.flatMap(ServerURL.proxyAddress).map { ($0.host, $0.port ?? 80) }
        let no = (env["NO_PROXY"] ?? env["no_proxy"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
        return ProxySettings(server: server, noProxy: no)
    }

    /// Loopback is never proxied; `NO_PROXY` entries match a host or a domain suffix; `*` disables the proxy.
    public func shouldProxy(_ url: URL) -> Bool {
        guard server != nil, let host = url.host?.lowercased() else { return false }
        if ServerURL.isLoopback(host: host) { return false }
        for entry in noProxy {
            if entry == "*" { return false }
            let bare = entry.hasPrefix(".") ? String(entry.dropFirst()) : entry
            if host == bare || host.hasSuffix("." + bare) { return false }
        }
        return true
    }
}
