import Crypto
import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardSystem

/// A short, non-reversible label for a secret, safe to show: `sha256:1a2b3c4d`.
public enum Fingerprint {
    public static func of(_ secret: String) -> String {
        let digest = SHA256.hash(data: Data(secret.utf8))
        return "sha256:" + digest.prefix(4).map { String(format: "%02x", $0) }.joined()
    }
}
