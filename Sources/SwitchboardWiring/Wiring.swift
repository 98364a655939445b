import Acquisition
import Foundation
import Logging
import SwitchboardCore

/// The engine wired to a home: its two stores, live HTTP, the acquisition actor. Every command, the screen,
/// the benchmark and the tests build it here and nowhere else.
public struct Wiring: Sendable {
    public let home: SwitchboardHome
    public let integrations: ConnectionRegistry
    public let http: AsyncHTTPTransport
    public let actor: TokenKeeper
    public let time: TimeSource
    /// The configured client metadata document URL (`SWITCHBOARD_CLIENT_METADATA_URL`), as the engine reads it.
    public let clientMetadataURL: String?
    /// The activity journal this engine records into (nil when it records nothing).
    public let activity: ActivityJournal?

    public init(home: SwitchboardHome, options: WiringOptions = WiringOptions()) {
        self.home = home
        integrations = ConnectionRegistry(connections: ConnectionStore(home: home),
                                    secrets: SecretStore(home: home, encryption: options.encryption, warn: options.warn))
        http = AsyncHTTPTransport(options: options.http)
        time = options.time
        activity = options.recordsActivity
            ? ActivityJournal(home: home, role: options.role, perScheme: options.activityPerScheme, maxBytes: options.activityMaxBytes) : nil
        var environment = AcquisitionEnvironment(
            http: http, browser: options.browser, integrations: integrations.connections, secrets: integrations.secrets,
            time: options.time, callbackTimeout: options.callbackTimeout, logger: options.logger,
            refreshConcurrency: options.refreshConcurrency, lockWait: options.lockWait)
        environment.activity = activity
        clientMetadataURL = environment.clientMetadataURL
        actor = TokenKeeper(environment: environment)
    }

    /// The doctor's report for a connection (discovery replayed, nothing signed in or stored).
    public func doctorReport(named name: String) async throws -> [String] { try await doctor(named: name).lines }

    /// The doctor's report, and whether it found discovery failing.
    public func doctor(named name: String) async throws -> (lines: [String], failed: Bool) {
        let connection = try integrations.connection(named: name)
        return await Doctor(http: http, secrets: integrations.secrets, clientMetadataURL: clientMetadataURL, now: time.now()).diagnose(connection)
    }

    /// Stops the refresher, writes out the activity recorded so far, and closes the HTTP client.
    /// Runs a command's work, then shuts the engine down whether the work returned or threw: a refresh it started
    /// ends (its rotated token stored) and its statuses are on disk before the process exits.
    public func closing<T>(_ work: () async throws -> T) async rethrows -> T {
        do {
            let value = try await work()
            await shutdown()
            return value
        } catch {
            await shutdown()
            throw error
        }
    }

    public func shutdown() async {
        await actor.stopScheduler()
        // A refresh under way (a bridge's first token, a client gone mid-request) ends before the HTTP client
        // does, so a rotated refresh token is stored, not lost.
        await actor.drainRefreshes()
        // Every status queued (a refresh among many returns before its status is on disk) is written before exit.
        await actor.flushStatus()
        await activity?.flush()
        await http.shutdown()
    }

    /// Records an event in the activity journal as this process.
    public func record(_ kind: ActivityEvent.Kind, _ connection: Connection, _ configure: (inout ActivityEvent) -> Void) {
        guard let activity, let scheme = connection.primaryScheme else { return }
        activity.record(ActivityEvent(kind, at: time.now(), scheme: scheme.id, connection: connection.name, configure))
    }

    /// The OAuth scheme of a connection; `NothingToSignIn` when it uses a static token or none.
    public func oauthScheme(named name: String) throws -> (Connection, AuthScheme) {
        let c = try integrations.connection(named: name)
        guard let s = c.primaryScheme, s.kind.isOAuth else { throw NothingToSignIn(name: name, kind: c.primaryScheme?.kind) }
        return (c, s)
    }

    /// Connects a scheme; returns every event, handing each to `onEvent` as it arrives.
    public func connect(schemeID: String, options: ConnectOptions = ConnectOptions(),
                        onEvent: (AcquisitionEvent) -> Void = { _ in }) async -> [AcquisitionEvent] {
        var events: [AcquisitionEvent] = []
        for await event in await actor.connect(schemeID: schemeID, options: options) {
            events.append(event)
            onEvent(event)
        }
        return events
    }
}
