import ArgumentParser
import Foundation
import SwitchboardCore

enum Console {
    static func warn(_ message: String) {
        Output.error("switchboard: warning: \(message)")
    }
}
