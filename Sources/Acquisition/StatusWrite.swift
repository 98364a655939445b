import Foundation
import Logging
import SwitchboardCore
import Synchronization

/// A status write queued in the store's group commit, and the revision it wrote (set when the batch applies it).
struct StatusWrite: Sendable {
    final class Revision: Sendable { let value = Mutex<Int?>(nil) }
    let schemeID: String
    /// The status this write puts on disk; its event carries it.
    let status: SchemeStatus
    let ticket: CommitTicket
    let revision: Revision
    var written: Int? { revision.value.withLock { $0 } }
}
