import Foundation
import SwitchboardModel

/// Whether the browser that signs in can reach this machine's 127.0.0.1: not over SSH, nor on a machine
/// with no display and no `$BROWSER`.
public enum RemoteSession {
    /// Why this looks remote, or nil when a local browser should work.
    public static func reason(_ env: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if env["SSH_CONNECTION"].map({ !$0.isEmpty }) == true || env["SSH_TTY"].map({ !$0.isEmpty }) == true {
            return "this is an SSH session"
        }
        let display = [env["DISPLAY"], env["WAYLAND_DISPLAY"], env["BROWSER"]].contains { $0.map { !$0.isEmpty } == true }
        #if os(Linux)
        if !display { return "there is no display and no $BROWSER" }
        #endif
        return nil
    }
}
