import Foundation
import SwitchboardCore

/// The documented exit codes.
enum ExitStatus: Int32 {
    case success = 0
    case failure = 1
    case usage = 2
    case needsReconnect = 3
}

/// An error the command line reports as one line on stderr with a documented exit code.
struct CLIError: Error {
    var message: String
    var code: ExitStatus

    static func usage(_ message: String) -> CLIError { CLIError(message: message, code: .usage) }
    static func failure(_ message: String) -> CLIError { CLIError(message: message, code: .failure) }
    static func needsReconnect(_ message: String) -> CLIError { CLIError(message: message, code: .needsReconnect) }
}
