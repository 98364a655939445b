import Acquisition
import Foundation
import MCP
import SwitchboardCore

/// The MCP eras Switchboard speaks.
public enum MCPEra: String, Codable, Sendable, CaseIterable {
    /// The stateless 2026-07-28 wire: `server/discover`, `_meta` on every request.
    case modern = "2026-07-28"
    /// The 2025-11-25 `initialize` handshake with `Mcp-Session-Id`, through the Swift SDK's `Client`.
    case handshake = "2025-11-25"
}
