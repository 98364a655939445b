import Foundation

/// Switchboard's version: `switchboard --version`, the doctor's first line, the MCP `clientInfo`, and
/// RFC 7591 `software_version` in registrations.
public enum SwitchboardVersion {
    public static let string = "0.13.0"
}
