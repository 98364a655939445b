import Foundation
import SwitchboardCore

/// A completed flow's tokens, on disk, and the `connected` status queued for them, for the flow to publish.
struct StoredGrant: Sendable {
    let tokens: TokenSet
    let status: StatusWrite
}
