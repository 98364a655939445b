import Acquisition
import Foundation
import SwitchboardCore

/// What went wrong between the bridge and the server, in words the client can show.
struct UpstreamFailure: Error, CustomStringConvertible {
    var description: String
}
