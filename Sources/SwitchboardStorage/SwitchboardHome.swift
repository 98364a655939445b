import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardSystem

/// Where Switchboard keeps its files, and the rules for finding that place.
public struct SwitchboardHome: Sendable, Equatable {
    public let directory: URL

    public init(directory: URL) { self.directory = directory }

    /// `--home`, else `$SWITCHBOARD_HOME`, else `$XDG_CONFIG_HOME/switchboard`, else `~/.config/switchboard`.
    public static func resolve(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> SwitchboardHome {
        if let explicit, !explicit.isEmpty { return SwitchboardHome(directory: URL(fileURLWithPath: explicit)) }
        if let env = environment["SWITCHBOARD_HOME"], !env.isEmpty { return SwitchboardHome(directory: URL(fileURLWithPath: env)) }
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            return SwitchboardHome(directory: URL(fileURLWithPath: xdg).appendingPathComponent("switchboard"))
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return SwitchboardHome(directory: URL(fileURLWithPath: home).appendingPathComponent(".config/switchboard"))
    }

    public var integrationsFile: URL { directory.appendingPathComponent("integrations.json") }
    public var secretsFile: URL { directory.appendingPathComponent("integration-secrets.json") }
    /// One lock for the home: every read-modify-write of either store holds it.
    public var lockFile: URL { directory.appendingPathComponent(".switchboard.lock") }

    /// Creates the directory with mode 0700 (and tightens an existing one).
    public func ensureExists() throws {
        try FileSystem.makeDirectory(directory, mode: 0o700)
    }
}

