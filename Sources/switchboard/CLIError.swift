import Foundation
import SwitchboardCore

/// An error the command line reports as one line on stderr with a documented exit code.
struct CLIError: Error {
    var message: String
    var code: ExitStatus

    static func usage(_ message: String) -> CLIError { CLIError(message: message, code: .usage) }
    static func failure(_ message: String) -> CLIError { CLIError(message: message, code: .failure) }
    static func needsReconnect(_ message: String) -> CLIError { CLIError(message: message, code: .needsReconnect) }
}
