import Foundation
import SwitchboardCore

/// The documented exit codes.
enum ExitStatus: Int32 {
    case success = 0
    case failure = 1
    case usage = 2
    case needsReconnect = 3
}
