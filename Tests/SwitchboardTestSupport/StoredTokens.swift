import Foundation
import SwitchboardCore

/// Time passing for processes a test cannot hand a clock (the real binary, another program): their stored
/// tokens are made older, exactly as if `seconds` had passed since they were issued. Nothing waits.
public enum StoredTokens {
    public static func age(home: URL, by seconds: TimeInterval) throws {
        let store = SecretStore(home: SwitchboardHome(directory: home), warn: { _ in })
        for id in try store.load().schemes.keys {
            try store.updateScheme(id) { entry in
                guard var tokens = entry.tokens else { return }
                tokens.obtainedAt = tokens.obtainedAt.addingTimeInterval(-seconds)
                tokens.expiresAt = tokens.expiresAt?.addingTimeInterval(-seconds)
                entry.tokens = tokens
            }
        }
    }
}

/// Waits for something another process or thread makes true (a file appears, a pane shows a text): checks
/// every 20 ms until `timeout`. For conditions only; time passing is a test clock's job.
public func waitUntil(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(20))
    }
    return try await condition()
}
