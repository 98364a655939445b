import Acquisition
import ArgumentParser
import Foundation
import SwitchboardCore
import SwitchboardWiring

/// Test-only commands, built as their own executable so the shipped `switchboard` carries none of them.
@main
struct TestBin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "switchboard-testbin", subcommands: [StoreWriter.self, RefreshTimes.self, FakeBridge.self])
}

extension TestBin {
    /// `switchboard-testbin store-writer`: writes the secret store as fast as it can and prints `ack N`
    /// after each write is durable. The crash-safety tests kill it with SIGKILL at random moments.
    struct StoreWriter: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "store-writer", shouldDisplay: false)
        @Option var home: String
        @Option(help: "The first operation's number.") var start = 0
        @Option(help: "How many operations (0: until killed).") var count = 0
        @Option(help: "Journal size that triggers a new snapshot, in bytes.") var compactionFloor = 8192

        /// Operation `i` of the deterministic sequence the tests model: mostly new schemes, some overwrites
        /// of one shared scheme, and deletions (which fold the journal into a new snapshot).
        enum Operation: Equatable {
            case set(String, String)
            case delete(String)

            init(_ i: Int) {
                if i % 17 == 16 { self = .delete("w-\(i - 10)") } else if i % 5 == 4 { self = .set("shared", "v-\(i)") } else { self = .set("w-\(i)", "v-\(i)") }
            }
        }

        func run() throws {
            let store = SecretStore(home: SwitchboardHome(directory: URL(fileURLWithPath: home)), encryption: .fromEnvironment(),
                                    compactionFloor: compactionFloor, warn: { FileHandle.standardError.write(Data(($0 + "\n").utf8)) })
            var i = start
            while count == 0 || i < start + count {
                switch Operation(i) {
                case .set(let key, let value): try store.updateScheme(key) { $0.bearerToken = value }
                case .delete(let key): try store.update { $0.schemes[key] = nil }
                }
                FileHandle.standardOutput.write(Data("ack \(i)\n".utf8))
                i += 1
            }
        }
    }
}

extension TestBin {
    /// `switchboard-testbin refresh-times NAME --times N --home DIR`: N forced refreshes in one process, for the
    /// tests that hammer one connection's refresh from several processes at once.
    struct RefreshTimes: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "refresh-times")
        @Argument var name: String
        @Option var times = 1
        @Option var home: String

        func run() async throws {
            let engine = Wiring(home: SwitchboardHome(directory: URL(fileURLWithPath: home)), options: WiringOptions { $0.browser = NoBrowser() })
            let (_, scheme) = try engine.oauthScheme(named: name)
            for _ in 0..<max(1, times) { try await engine.actor.refresh(schemeID: scheme.id, force: true) }
            await engine.actor.flushStatus()
            await engine.shutdown()
        }
    }
}
