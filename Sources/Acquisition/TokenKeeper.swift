import Foundation
import Logging
import SwitchboardCore
import Synchronization

/// Owns all OAuth state of this process: connect flows, the token cache, single-flight refreshes and
/// the proactive refresh scheduler. Streams progress as `AcquisitionEvent`s.
public actor TokenKeeper {
    let env: AcquisitionEnvironment
    /// Tokens known to this process, so a fresh token is returned without reading a file.
    var cache: [String: TokenSet] = [:]
    /// Refreshes in flight, shared by concurrent callers.
    var refreshes: [String: Task<TokenSet, any Error>] = [:]
    /// Connect flows in flight, so they can be cancelled.
    var flows: [String: Task<Void, Never>] = [:]
    /// The identity of each scheme's current flow (`connect`), and the last one given.
    var flowIdentity: [String: UInt64] = [:]
    var flowCounter: UInt64 = 0
    /// The listener of each flow waiting for the browser, so a pasted URL can be delivered.
    var listeners: [String: (listener: LoopbackListener, validator: CallbackValidator)] = [:]
    var subscribers: [UUID: AsyncStream<SchemeUpdate>.Continuation] = [:]
    var scheduler: Task<Void, Never>?
    var sleeper: Task<Void, Never>?
    /// The scheduler's refreshes in flight, each on its own: a slow server delays only its own scheme.
    var scheduled: [String: Task<Void, Never>] = [:]
    /// This process's own refresh floor per scheme, after failures the status file may not have recorded.
    var notBefore: [String: Date] = [:]
    var localFailures: [String: Int] = [:]
    /// A registration the server issued during a flow still running, by flow identity (kept if the person cancels).
    var issued: [UInt64: ClientRegistration] = [:]
    /// Set when the scheduler should plan again before sleeping (a refresh ended while it was planning).
    var wakeRequested = false
    /// Discovery results of recent flows, by server URL: a reconnect soon after skips the metadata round
    /// trips. Dropped when a flow fails, so a changed server is discovered afresh on the next try.
    var discoveries: [String: (result: DiscoveryResult, at: Date)] = [:]
    static let discoveryLifetime: TimeInterval = 600
    /// The last status write queued; writes finish in order, so waiting for it waits for all.
    var lastStatusWrite: CommitTicket?
    /// The revision of the last status this process put on disk, per scheme (final events carry it).
    var revisions: [String: Int] = [:]
    /// How a flow in progress got its code (`paste`, `device`); a browser callback otherwise.
    var signInMethod: [String: SignInMethod] = [:]

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

    /// Ends every subscriber's stream after the events already sent (shutting down; tests drain with it).
    public func finishUpdates() {
        for c in subscribers.values { c.finish() }
        subscribers = [:]
    }

    /// Tells subscribers about an event. An event `publish` sends carries its own write's status and revision; a
    /// final event that wrote nothing (a cancel, a busy lock, a failed disconnect) carries the file's status with
    /// the file's revision for it, read together; progress carries the status shown meanwhile and no revision.
    func broadcast(_ schemeID: String, _ event: AcquisitionEvent, revision: Int? = nil, status: SchemeStatus? = nil) {
        // One log line per event: Switchboard's own line breaks folded, anything else shown, never obeyed.
        env.logger.debug("\(schemeID.prefix(8)) \(TerminalText.safe(Redact.event(event).summary.replacingOccurrences(of: "\n", with: " ")))")
        var revision = revision
        var status = status
        if status == nil {
            if event.isTerminal {
                let stored = try? scheme(schemeID).1
                status = stored?.status
                revision = stored?.statusRevision
            } else {
                switch event {
                case .probing: status = .connecting
                case .refreshing: status = .refreshing
                default: break
                }
            }
        }
        for c in subscribers.values { c.yield(SchemeUpdate(schemeID: schemeID, event: event, revision: revision, status: status)) }
    }

    // MARK: - Publishing a status

    /// The one path a status takes out of the engine, in this order: a decision's status is written to
    /// `integrations.json` (one revision more, `writeStatus`); once that write is on disk, the event that reports
    /// it goes out carrying the revision and the status. A screen or a command that reads the file after the
    /// event never reads an older status, and nothing reports a status that is not written. `batched` (one
    /// refresh among many): the write is only queued and the event follows when it lands (the storm's last
    /// refresh flushes them all). `deliver` is a connect flow's own way out (its stream, and the screens while it
    /// is the scheme's current flow); every other event is broadcast.
    func publish(_ write: StatusWrite, _ event: AcquisitionEvent, batched: Bool = false,
                 deliver: FlowDelivery? = nil) async {
        if batched {
            Task {
                let landed = await self.settle(write.ticket)
                await self.sendPublished(write, event, landed: landed, deliver: deliver)
            }
            return
        }
        let landed = await settle(write.ticket)
        await sendPublished(write, event, landed: landed, deliver: deliver)
    }

    /// `writeStatus` and `publish` in one step.
    func publish(_ schemeID: String, _ status: SchemeStatus, _ event: AcquisitionEvent, batched: Bool = false,
                 redirectPort: Int? = nil, deliver: FlowDelivery? = nil,
                 info: (@Sendable (inout SchemeInfo) -> Void)? = nil) async {
        await publish(writeStatus(schemeID, status, redirectPort: redirectPort, info: info), event, batched: batched, deliver: deliver)
    }

    private func sendPublished(_ write: StatusWrite, _ event: AcquisitionEvent, landed: Bool, deliver: FlowDelivery?) async {
        // A write that did not reach the disk reports no status of its own: the event carries the file's.
        // One older than a status this process already published (a batched refresh's task running after a later
        // write's) does not carry its stale status either. Revisions only go up.
        let prior = revisions[write.schemeID] ?? 0
        let current = landed && (write.written ?? -1) >= prior
        if landed, let written = write.written { revisions[write.schemeID] = max(prior, written) }
        let status: SchemeStatus? = current ? write.status : nil
        let revision: Int? = current ? write.written : nil
        if let deliver { await deliver(event, status, revision) } else { broadcast(write.schemeID, event, revision: revision, status: status) }
    }

    // MARK: - Activity

    /// Records an event in the activity journal (batched; never waits for the disk).
    func note(_ kind: ActivityEvent.Kind, _ schemeID: String, connection: String? = nil, _ configure: (inout ActivityEvent) -> Void = { _ in }) {
        guard let journal = env.activity else { return }
        let name = connection ?? (try? scheme(schemeID).0.name) ?? ""
        journal.record(ActivityEvent(kind, at: env.now(), scheme: schemeID, connection: name, configure))
    }

    /// Waits until the activity recorded so far is in the journal.
    public func flushActivity() async { await env.activity?.flush() }

    // MARK: - Store helpers

    func scheme(_ schemeID: String) throws -> (Connection, AuthScheme) {
        let found: (Connection, AuthScheme)?
        do { found = try env.integrations.scheme(id: schemeID) } catch { throw AcquisitionError(.storage, "\(error)") }
        guard let found else {
            throw AcquisitionError(.notConnected, "That connection no longer exists.", remedy: .list)
        }
        return found
    }

    /// Queues a scheme's status for `integrations.json` and returns at once: the write for `publish` to wait on.
    /// Writes go through the store's group commit in order. This is the one writer of a scheme's status:
    /// each write adds one to its revision.
    func writeStatus(_ schemeID: String, _ status: SchemeStatus, redirectPort: Int? = nil,
                     info: (@Sendable (inout SchemeInfo) -> Void)? = nil) -> StatusWrite {
        let revision = StatusWrite.Revision()
        let ticket = env.integrations.enqueueScheme(schemeID) { s in
            s.status = status
            s.countStatusWrite()
            revision.value.withLock { $0 = s.statusRevision }
            if let redirectPort { s.redirectPort = redirectPort }
            info?(&s.info)
        }
        lastStatusWrite = ticket
        return StatusWrite(schemeID: schemeID, status: status, ticket: ticket, revision: revision)
    }

    /// Waits until every status write queued so far is on disk (they complete in order).
    public func flushStatus() async {
        if let last = lastStatusWrite { await settle(last) }
    }

    /// Waits for a status write; false when it did not reach the disk (logged).
    @discardableResult
    private func settle(_ ticket: CommitTicket) async -> Bool {
        do {
            try await ticket.wait()
            return true
        } catch {
            env.logger.error("could not record the status: \(error)")
            return false
        }
    }

    func loadSecrets(_ schemeID: String) throws -> SchemeSecrets {
        do { return try env.secrets.secrets(for: schemeID) } catch { throw AcquisitionError(.storage, "\(error)") }
    }

    /// Forgets what this process cached (after another process changed the stores).
    public func invalidate(_ schemeID: String) { cache[schemeID] = nil }
}
