import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardStorage
import SwitchboardSystem

/// An MCP client whose configuration file Switchboard reads (`import`) and writes (`export`): where the file
/// is, its format, and the key names it uses for a server that Switchboard's bridge serves.
public enum MCPClient: String, CaseIterable, Sendable {
    case claudeDesktop = "claude-desktop", claudeCode = "claude-code", cursor, vscode, codex, gemini, windsurf

    /// How the client's file is written.
    public enum Format: Sendable, Equatable {
        /// JSON (a trailing comma or comment another program left is kept as it is).
        case json
        /// JSON with comments (VS Code): comments must survive an edit.
        case jsonWithComments
        /// TOML (Codex).
        case toml
    }

    /// Where each client keeps its configuration; `export --write` writes the first.
    public func defaultFiles(home: String, workingDirectory: String) -> [String] {
        switch self {
        case .claudeDesktop:
            #if os(macOS)
            [home + "/Library/Application Support/Claude/claude_desktop_config.json", home + "/.config/Claude/claude_desktop_config.json"]
            #else
            [home + "/.config/Claude/claude_desktop_config.json", home + "/Library/Application Support/Claude/claude_desktop_config.json"]
            #endif
        case .claudeCode: [home + "/.claude.json", workingDirectory + "/.mcp.json"]
        case .cursor: [home + "/.cursor/mcp.json", workingDirectory + "/.cursor/mcp.json"]
        case .vscode: [workingDirectory + "/.vscode/mcp.json", home + "/.config/Code/User/mcp.json", home + "/.config/Code/User/settings.json"]
        case .codex: [home + "/.codex/config.toml"]
        case .gemini: [home + "/.gemini/settings.json", workingDirectory + "/.gemini/settings.json"]
        case .windsurf: [home + "/.codeium/windsurf/mcp_config.json"]
        }
    }

    public var format: Format {
        switch self {
        case .codex: .toml
        case .vscode: .jsonWithComments
        default: .json
        }
    }

    /// The top-level key of the table of servers, as each client documents it.
    public var serversKey: String {
        switch self {
        case .vscode: "servers"
        case .codex: "mcp_servers"
        default: "mcpServers"
        }
    }

    /// Members of a local (stdio) server entry, in the order written. Claude Code and VS Code name the
    /// transport (`"type": "stdio"`); the others infer it from `command`.
    public func stdioEntry(command: String, args: [String]) -> [ConfigMember] {
        let base = [ConfigMember("command", .string(command)), ConfigMember("args", .strings(args))]
        switch self {
        case .claudeCode, .vscode: return [ConfigMember("type", .string("stdio"))] + base
        default: return base
        }
    }

    /// The key a connection gets in this client's table. Claude Code refuses names outside letters, digits,
    /// `-` and `_` (and its API refuses tool names built from them), Codex warns about them, GitHub Copilot
    /// refuses `.` in `.vscode/mcp.json`: every client gets keys from that set, at most 64 characters.
    /// The connection itself is named by the bridge's arguments, so the key only has to be unique and valid.
    public static func serverKey(for connection: String) -> String {
        let mapped = connection.unicodeScalars.map { s -> Character in
            s.isASCII && (CharacterSet.alphanumerics.contains(s) || s == "-" || s == "_") ? Character(s) : "-"
        }
        let key = String(mapped.prefix(64))
        return key.isEmpty ? "server" : key
    }
}
