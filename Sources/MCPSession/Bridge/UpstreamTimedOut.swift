import Acquisition
import Foundation
import SwitchboardCore

/// The server did not finish something in the time the bridge gives it.
struct UpstreamTimedOut: Error, CustomStringConvertible {
    var what: String
    var limit: Duration
    var description: String { "\(what) took longer than \(limit.components.seconds) s" }
}
