import Foundation
import Logging
import SwitchboardCore

/// Everything the engine touches outside itself, injected: network, browser, stores, clock, randomness.
public struct AcquisitionEnvironment: Sendable {
    public var http: any HTTPTransport
    public var browser: any BrowserOpener
    public var integrations: ConnectionStore
    public var secrets: SecretStore
    /// The clock every wait runs on (callback timeout, device polling, the scheduler, lock polling) and the
    /// dates it stands for.
    public var time: TimeSource
    public var random: any RandomSource
    /// How long the loopback listener waits for the browser.
    public var callbackTimeout: Duration
    public var clientName: String
    public var logger: Logger
    /// How many refreshes the scheduler runs at once.
    public var refreshConcurrency: Int
    /// How long a refresh waits for another process's refresh of the same scheme before giving up and saying
    /// who holds it. The holder's own exchange ends within the HTTP deadline, so a longer wait means a stuck
    /// (or stopped) process.
    public var lockWait: Duration
    /// A Client ID Metadata Document URL for every scheme that has none of its own (a global setting).
    public var clientMetadataURL: String?
    /// Where this process records what it did to each scheme (nil: nowhere).
    public var activity: ActivityJournal?

    public init(http: any HTTPTransport, browser: any BrowserOpener, integrations: ConnectionStore, secrets: SecretStore,
                time: TimeSource = .live, random: any RandomSource = SystemRandom(),
                callbackTimeout: Duration = .seconds(300), clientName: String = "Switchboard",
                logger: Logger = Logger(label: "switchboard.acquisition", factory: { _ in SwiftLogNoOpLogHandler() }),
                refreshConcurrency: Int = 8, lockWait: Duration = .seconds(45)) {
        self.http = http
        self.browser = browser
        self.integrations = integrations
        self.secrets = secrets
        self.time = time
        self.random = random
        self.callbackTimeout = callbackTimeout
        self.clientName = clientName
        self.logger = logger
        self.refreshConcurrency = refreshConcurrency
        self.lockWait = lockWait
        self.clientMetadataURL = ProcessInfo.processInfo.environment["SWITCHBOARD_CLIENT_METADATA_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The current date on the injected clock.
    public func now() -> Date { time.now() }

    /// Per-scheme lock files live next to the stores.
    var locksDirectory: URL { integrations.home.directory.appendingPathComponent("locks") }
}
