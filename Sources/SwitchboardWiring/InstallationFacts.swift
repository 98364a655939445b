import Acquisition
import CLazyCurl
import Foundation
import SwitchboardCore
#if canImport(Glibc)
import Glibc
#endif

extension EnvironmentReport {
    /// This installation's facts for `switchboard doctor` (no name): version, build, system, home, settings.
    public static func gather(home: SwitchboardHome, integrations: ConnectionRegistry) -> Facts {
        var problems: [String] = []
        var count: Int?, attention: Int?
        do {
            let summary = try integrations.connections.prefix(0)
            (count, attention) = (summary.total, summary.attention)
        } catch { problems.append("integrations.json: \(error)") }
        var secrets: (Bool, String?)?
        do {
            let state = try integrations.secrets.sealState()
            if state.exists { secrets = (state.sealed, state.keyID) }
        } catch { problems.append("secret store: \(error)") }
        var u = utsname()
        uname(&u)
        func text<T>(_ field: T) -> String {
            withUnsafeBytes(of: field) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        }
        let build = sb_lazy_curl_enabled() != 0
            ? "static release (Swift runtime linked in; libcurl loaded on first use, \(sb_lazy_curl_loaded() != 0 ? "loaded" : "not loaded"))"
            : "development build (Swift runtime and Foundation as shared libraries)"
        let trust = switch TLSTrust.current {
        case .success(let trust): trust.summary
        case .failure(let problem): "unusable: \(problem); every https request fails until it is fixed. \(problem.advice)"
        }
        return Facts(
            version: SwitchboardVersion.string, build: build, system: "\(text(u.sysname)) \(text(u.release)) \(text(u.machine))",
            home: home.directory.path, connections: count, needAttention: attention, secrets: secrets,
            problems: problems, environment: ProcessInfo.processInfo.environment, trust: trust)
    }
}
