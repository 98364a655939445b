import Foundation
import SwitchboardTestSupport

/// A Switchboard home for one interop test: runs the real binary with the headless browser.
struct InteropHome {
    let directory = TemporaryDirectory()
    var transcript: [String] = []

    var environment: [String: String] { ["BROWSER": BinaryRunner.binary.path + " headless-browser", "SWITCHBOARD_HOME": ""] }

    mutating func run(_ arguments: [String], stdin: String? = nil) async throws -> BinaryRunner.Result {
        let r = try await BinaryRunner.runDetached(arguments + ["--home", directory.url.path], stdin: stdin, environment: environment)
        transcript.append("$ switchboard \(arguments.joined(separator: " "))  → \(r.status)\n\(r.stdout)\(r.stderr)")
        return r
    }

    /// What every command printed, for a failing expectation's message.
    var log: String { transcript.joined(separator: "\n") }

    func remove() { directory.remove() }
}
