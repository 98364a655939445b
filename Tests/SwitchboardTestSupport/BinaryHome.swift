import Foundation

/// A Switchboard home for one test: runs the real binary there with the headless browser, and keeps a
/// transcript of every command for a failing expectation's message.
public struct BinaryHome {
    public let directory = TemporaryDirectory()
    public var transcript: [String] = []
    /// Variables every command of this home gets on top of the test's own (`SSL_CERT_FILE`, …); an empty value
    /// hides the test process's.
    public var settings: [String: String] = [:]

    public init() {}

    public var environment: [String: String] {
        ["BROWSER": BinaryRunner.binary.path + " headless-browser", "SWITCHBOARD_HOME": ""].merging(settings) { $1 }
    }

    public mutating func run(_ arguments: [String], stdin: String? = nil) async throws -> BinaryRunner.Result {
        let r = try await BinaryRunner.runDetached(arguments + ["--home", directory.url.path], stdin: stdin, environment: environment)
        transcript.append("$ switchboard \(arguments.joined(separator: " "))  → \(r.status)\n\(r.stdout)\(r.stderr)")
        return r
    }

    /// What every command printed, for a failing expectation's message.
    public var log: String { transcript.joined(separator: "\n") }

    public func remove() { directory.remove() }
}
