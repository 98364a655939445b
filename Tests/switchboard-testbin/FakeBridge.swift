import ArgumentParser
import Foundation
import SwitchboardCore
#if canImport(Glibc)
import Glibc
#endif

extension TestBin {
    /// `switchboard-testbin fake-bridge --home DIR --scheme ID --connection NAME`: registers a bridge entry as a
    /// running bridge would, prints `registered PATH` once it is on disk, and waits to be killed. The registry
    /// tests kill it with SIGKILL; the status tests read its entry through the real `switchboard`.
    struct FakeBridge: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "fake-bridge", shouldDisplay: false)
        @Option var home: String
        @Option var scheme: String
        @Option var connection: String
        @Option var clientName: String?
        @Option var clientVersion: String?
        @Option(help: "Requests to count before saying it is registered.") var requests = 0
        @Option var lastError: String?
        @Option(help: "startedAt, in seconds since 1970 (default: now).") var startedAt: Double?

        func run() throws {
            let registry = BridgeRegistry(home: SwitchboardHome(directory: URL(fileURLWithPath: home)))
            let lease = try registry.register(BridgeRecord(
                scheme: scheme, connection: connection, clientName: clientName, clientVersion: clientVersion,
                startedAt: startedAt.map { Date(timeIntervalSince1970: $0) } ?? Date()))
            let (requests, lastError) = (requests, lastError)
            for _ in 0..<requests { lease.update { $0.requests += 1 } }
            if let lastError { lease.update { $0.lastError = lastError; $0.lastErrorAt = Date() } }
            try lease.flush()
            FileHandle.standardOutput.write(Data("registered \(lease.path)\n".utf8))
            withExtendedLifetime(lease) {
                while true { pause() }
            }
        }
    }
}
