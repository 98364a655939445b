import Foundation

/// How a sign-in got its authorization code: the browser's redirect to the loopback listener, an address the
/// person pasted back, or a device code. The activity journal records its raw value (`how`).
public enum SignInMethod: String, Sendable, CaseIterable {
    case browser
    case paste
    case device
}
