import Acquisition
import Foundation
import MCPSession
import SwitchboardApp
import SwitchboardCore
import Synchronization

/// One sign-in at a time for a bridge: a request that needs the person while a sign-in runs waits for it.
actor SignInGate {
    private var running: Task<Bool, Never>?

    func once(_ body: @escaping @Sendable () async -> Bool) async -> Bool {
        if let running { return await running.value }
        let task = Task { await body() }
        running = task
        defer { running = nil }
        return await task.value
    }
}
