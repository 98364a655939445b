import Foundation
import Logging
import SwitchboardCore

/// Owns all OAuth state of this process: connect flows, the token cache, single-flight refreshes and
/// the proactive refresh scheduler. Streams progress as `AcquisitionEvent`s.
public actor AcquisitionActor {
    let env: AcquisitionEnvironment
    /// Tokens known to this process, so a fresh token is returned without reading a file.
    var cache: [String: TokenSet] = [:]
    /// Refreshes in flight, shared by concurrent callers.
    var refreshes: [String: Task<TokenSet, any Error>] = [:]
    /// Connect flows in flight, so they can be cancelled.
    var flows: [String: Task<Void, Never>] = [:]
    /// The listener of each flow waiting for the browser, so a pasted URL can be delivered.
    var listeners: [String: (listener: LoopbackListener, validator: CallbackValidator)] = [:]
    var subscribers: [UUID: AsyncStream<SchemeUpdate>.Continuation] = [:]
    var scheduler: Task<Void, Never>?
    var sleeper: Task<Void, Never>?
    /// Backoff of the scheduler after failed refreshes.
    var retryAt: [String: Date] = [:]
    var failures: [String: Int] = [:]
    /// Short-lived tokens in a row, per scheme (the scheduler spaces their refreshes further apart).
    var shortStreak: [String: Int] = [:]
    /// Discovery results of recent flows, by server URL: a reconnect soon after skips the metadata round
    /// trips. Dropped when a flow fails, so a changed server is discovered afresh on the next try.
    var discoveries: [String: (result: DiscoveryResult, at: Date)] = [:]
    static let discoveryLifetime: TimeInterval = 600
    /// The last status write queued; writes finish in order, so waiting for it waits for all.
    var lastStatusWrite: CommitTicket?

    public init(environment: AcquisitionEnvironment) {
        self.env = environment
    }

    // MARK: - Subscriptions

    /// Every event about every scheme, for the screen.
    public func updates() -> AsyncStream<SchemeUpdate> {
        let (stream, continuation) = AsyncStream.makeStream(of: SchemeUpdate.self, bufferingPolicy: .bufferingNewest(256))
        let id = UUID()
        subscribers[id] = continuation
        continuation.onTermination = { [weak self] _ in Task { await self?.unsubscribe(id) } }
        return stream
    }

    func unsubscribe(_ id: UUID) { subscribers[id] = nil }

    func broadcast(_ schemeID: String, _ event: AcquisitionEvent) {
        env.logger.debug("\(schemeID.prefix(8)) \(event.summary)")
        for c in subscribers.values { c.yield(SchemeUpdate(schemeID: schemeID, event: event)) }
    }

    // MARK: - Store helpers

    func scheme(_ schemeID: String) throws -> (Connection, AuthScheme) {
        let found: (Connection, AuthScheme)?
        do { found = try env.integrations.scheme(id: schemeID) } catch { throw AcquisitionError(.storage, "\(error)") }
        guard let found else {
            throw AcquisitionError(.notConnected, "That connection no longer exists.", remedy: "`switchboard list` shows the connections.")
        }
        return found
    }

    /// Records a scheme's status in `integrations.json`. Writes go through the store's group commit in
    /// order; by default this waits until the write is on disk, `wait: false` only queues it (a refresh
    /// among many: `flushStatus()` waits for all of them).
    func setStatus(_ schemeID: String, _ status: SchemeStatus, wait: Bool = true, redirectPort: Int? = nil,
                   info: (@Sendable (inout SchemeInfo) -> Void)? = nil) async {
        let ticket = env.integrations.enqueueScheme(schemeID) { s in
            s.status = status
            if let redirectPort { s.redirectPort = redirectPort }
            info?(&s.info)
        }
        lastStatusWrite = ticket
        if wait { await settle(ticket) }
    }

    /// Waits until every status write queued so far is on disk (they complete in order).
    public func flushStatus() async {
        if let last = lastStatusWrite { await settle(last) }
    }

    private func settle(_ ticket: CommitTicket) async {
        do { try await ticket.wait() } catch { env.logger.error("could not record the status: \(error)") }
    }

    func loadSecrets(_ schemeID: String) throws -> SchemeSecrets {
        do { return try env.secrets.secrets(for: schemeID) } catch { throw AcquisitionError(.storage, "\(error)") }
    }

    /// Forgets what this process cached (after another process changed the stores).
    public func invalidate(_ schemeID: String) { cache[schemeID] = nil }
}
