import Foundation
import SwitchboardModel
import SwitchboardText
import SwitchboardSystem

/// The contents of the secret store: secrets keyed by scheme id.
public struct SecretsFile: Equatable, Sendable {
    public var schemes: [String: SchemeSecrets]
    public init(schemes: [String: SchemeSecrets] = [:]) { self.schemes = schemes }
}
