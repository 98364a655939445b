import Foundation

/// The `ssh -L` line a person runs on their own machine so that its browser reaches this machine's callback
/// listener (when `RemoteSession` finds the sign-in is remote).
public enum SSHTunnel {
    /// The `ssh -L` line that forwards the callback port from the person's machine.
    public static func command(redirectURI: String) -> String? {
        guard let port = URL(string: redirectURI)?.port else { return nil }
        return "ssh -L \(port):127.0.0.1:\(port) <this host>"
    }
}
