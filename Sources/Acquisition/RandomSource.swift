import Crypto
import Foundation
import SwitchboardCore

/// Randomness for verifiers and state, injectable so tests can be deterministic.
public protocol RandomSource: Sendable {
    func bytes(_ count: Int) -> [UInt8]
}
