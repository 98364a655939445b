import ArgumentParser
import Foundation
import SwitchboardCore

struct Scenario: Sendable {
    var name: String
    var run: @Sendable (_ quick: Bool) async throws -> [Result]
    /// Runs the `switchboard` binary as separate processes (so the figures depend on how it was built).
    var wholeProcess = false
}
