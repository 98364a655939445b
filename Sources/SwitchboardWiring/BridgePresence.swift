import Acquisition
import Foundation
import MCPSession
import SwitchboardApp
import SwitchboardCore
import Synchronization

/// A running bridge as the rest of Switchboard sees it: its entry among the live bridges (the screen's pane,
/// `status --json`), and its lines in the activity journal. A failure is recorded when it differs from the
/// last one, so a client retrying against a server that is down does not fill the journal.
public final class BridgePresence: Sendable {
    let engine: Wiring
    let lease: BridgeLease?
    /// What is recorded when the bridge could not be listed (no lease).
    let initial: BridgeRecord
    let state = Mutex<(started: Bool, served: Bool, lastFailure: String?)>((false, false, nil))

    init(engine: Wiring, connection: Connection, diagnostic: @Sendable (String) -> Void) {
        self.engine = engine
        let record = BridgeRecord(pid: getpid(), scheme: connection.primaryScheme?.id ?? "", connection: connection.name, startedAt: engine.time.now())
        initial = record
        do {
            lease = try BridgeRegistry(home: engine.home, time: engine.time).register(record)
        } catch {
            // The bridge still serves its client; it is only missing from the screen's list.
            diagnostic("could not list this bridge among the live ones: \(error)")
            lease = nil
        }
    }

    func identified(name: String, version: String) {
        lease?.update {
            $0.clientName = name
            $0.clientVersion = version
        }
        // Who the bridge serves shows at once, not at the next timed write.
        try? lease?.flush()
        let first = state.withLock { s in
            defer { s.started = true }
            return !s.started
        }
        if first { record(.bridgeStarted) }
    }

    func served(failure: String?) {
        let now = engine.time.now()
        let first = state.withLock { s in
            defer { s.served = true }
            return !s.served
        }
        // The first answer ran the code that only a start runs (the first connection, the journal's first
        // line): let go of it too, so what stays resident is what each request runs. On a thread of its own:
        // the next request need not wait for it.
        if first { DispatchQueue.global(qos: .utility).async { ResidentCode.dropStartupPages() } }
        lease?.update {
            $0.requests += 1
            if let failure {
                $0.lastError = failure
                $0.lastErrorAt = now
            }
        }
        guard let failure else { return }
        let new = state.withLock { s in
            defer { s.lastFailure = failure }
            return s.lastFailure != failure
        }
        if new { record(.bridgeFailed, reason: failure) }
    }

    /// The bridge ended: recorded, and gone from the live list.
    public func stopped() {
        if state.withLock({ !$0.started }) { record(.bridgeStarted) }
        record(.bridgeStopped)
        lease?.close()
    }

    private func record(_ kind: ActivityEvent.Kind, reason: String? = nil) {
        guard let activity = engine.activity else { return }
        activity.record(ActivityEvent.bridge(kind, lease?.record ?? initial, at: engine.time.now(), reason: reason))
    }
}
