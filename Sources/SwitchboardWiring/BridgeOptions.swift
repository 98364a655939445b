import Acquisition
import Foundation
import MCPSession
import SwitchboardApp
import SwitchboardCore
import Synchronization

/// How `switchboard bridge` runs.
public struct BridgeOptions: Sendable {
    /// Start a browser sign-in when the server asks for one (else the request gets an error naming the remedy).
    public var signIn = false
    public var output: LineWriter
    /// Diagnostics (stderr).
    public var diagnostic: @Sendable (String) -> Void

    public init(signIn: Bool = false, output: LineWriter, diagnostic: @escaping @Sendable (String) -> Void) {
        self.signIn = signIn
        self.output = output
        self.diagnostic = diagnostic
    }
}
