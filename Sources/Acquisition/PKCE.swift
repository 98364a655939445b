import Crypto
import Foundation
import SwitchboardCore

/// RFC 7636 PKCE with S256.
public struct PKCE: Sendable, Equatable {
    public let verifier: String
    public var challenge: String { PKCE.challenge(for: verifier) }
    public let method = "S256"

    /// A 32-byte random verifier (43 base64url characters).
    public init(random: any RandomSource) { verifier = Base64URL.encode(random.bytes(32)) }
    public init(verifier: String) { self.verifier = verifier }

    public static func challenge(for verifier: String) -> String {
        Base64URL.encode(Array(SHA256.hash(data: Data(verifier.utf8))))
    }

    /// A random `state` value.
    public static func state(random: any RandomSource) -> String { Base64URL.encode(random.bytes(24)) }
}
