import Acquisition
import Foundation
import MCP
import SwitchboardCore

/// What `switchboard check` learned about a server.
public struct CheckReport: Codable, Equatable, Sendable {
    public struct ToolSummary: Codable, Equatable, Sendable {
        public var name: String
        public var description: String?
    }
    public var serverName: String
    public var serverVersion: String
    public var protocolVersion: String
    /// `2026-07-28` (stateless) or `2025-11-25` (initialize handshake): the wire this server was spoken to on.
    public var era: String
    public var tools: [ToolSummary]
    /// Why the list of tools stopped early (a repeated cursor, too many pages or bytes), if it did.
    public var truncated: String?
}
