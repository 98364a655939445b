import Foundation
import SwitchboardModel

/// `switchboard doctor` without a connection: what a bug report needs to say about this installation, and
/// nothing secret (no token, no client secret, no proxy credentials, no key; paths and counts only).
public enum EnvironmentReport {
    public struct Facts: Sendable {
        public var version: String
        /// How this binary was built, e.g. "static release (libcurl loaded on first use; not loaded)".
        public var build: String
        /// `uname`: system, release, machine.
        public var system: String
        public var home: String
        public var connections: Int?
        public var needAttention: Int?
        /// nil when no secret is stored yet; else sealed or not, and the key's public id.
        public var secrets: (sealed: Bool, keyID: String?)?
        /// A reading error instead of the facts above (a broken file is reported, not hidden).
        public var problems: [String]
        public var environment: [String: String]
        /// Which certificate authorities HTTPS trusts (the system store, `SSL_CERT_FILE`, `SSL_CERT_DIR`, plus
        /// `SWITCHBOARD_CA_FILE`), or why the variables cannot be used.
        public var trust: String?

        public init(version: String, build: String, system: String, home: String, connections: Int?, needAttention: Int?,
                    secrets: (sealed: Bool, keyID: String?)?, problems: [String], environment: [String: String], trust: String? = nil) {
            self.version = version
            self.build = build
            self.system = system
            self.home = home
            self.connections = connections
            self.needAttention = needAttention
            self.secrets = secrets
            self.problems = problems
            self.environment = environment
            self.trust = trust
        }
    }

    public static func lines(_ f: Facts) -> [String] {
        let env = f.environment
        var out = ["switchboard \(f.version)", "build: \(f.build)", "system: \(f.system)", "home: \(f.home)"]
        if let n = f.connections {
            out.append("connections: \(n)" + (f.needAttention.map { $0 > 0 ? " (\($0) need\($0 == 1 ? "s" : "") attention)" : "" } ?? ""))
        }
        switch f.secrets {
        case nil: out.append("secret store: none yet")
        case let (sealed, keyID)?:
            out.append(sealed ? "secret store: sealed (AES-256-GCM), key \(keyID ?? "unnamed"), from \(env["SWITCHBOARD_SECRETS_KEY"].map { _ in "SWITCHBOARD_SECRETS_KEY" } ?? "the key file")"
                              : "secret store: plain JSON, mode 0600")
        }
        out += f.problems.map { "problem: \($0)" }
        let term = env["TERM"].map { "TERM=\(TerminalText.safe($0, limit: 40))" } ?? "TERM unset"
        out.append("terminal: \(term), NO_COLOR \(env["NO_COLOR"].map { $0.isEmpty ? "set but empty (colour on)" : "set" } ?? "unset")")
        out.append("browser: " + (env["BROWSER"].map { "$BROWSER = \(TerminalText.safe(($0.split(separator: " ").first).map(String.init) ?? "", limit: 80))" }
                                  ?? "xdg-open where installed, else the address is printed"))
        out.append("proxy: " + proxies(env))
        if let trust = f.trust { out.append("TLS trust: " + trust) }
        out.append("The doctor for a connection replays its discovery; include both reports in a bug report.")
        return out
    }

    /// Which proxy variables are set, with the proxy's host and port only (a proxy URL may carry a password).
    static func proxies(_ env: [String: String]) -> String {
        let named = ["HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy"].compactMap { key -> String? in
            guard let value = env[key], !value.isEmpty else { return nil }
            if key.lowercased() == "no_proxy" { return "\(key) set" }
            let host = ServerURL.proxyAddress(value).map { $0.host + ($0.port.map { ":\($0)" } ?? "") } ?? "(unparsable)"
            return "\(key) → \(TerminalText.safe(host, limit: 80))"
        }
        return named.isEmpty ? "none" : named.joined(separator: ", ")
    }
}
