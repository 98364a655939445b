import Foundation
import SwitchboardCore

/// How an authorization attempt ended: tokens (stored, their status queued to publish), or a stored client the
/// server no longer knows (register again).
enum AuthorizationOutcome: Sendable {
    case tokens(StoredGrant)
    case registerAgain
}
