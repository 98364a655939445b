import Acquisition
import Foundation
import Logging
import SwitchboardCore

/// How to wire an engine: every choice a command, the screen, the benchmark or a test makes, in one place.
public struct WiringOptions: Sendable {
    public var browser: any BrowserOpener = SystemBrowser()
    public var time: TimeSource = .live
    public var encryption: SecretsEncryption = .fromEnvironment()
    /// Store warnings (a repaired journal, a quarantined file): the command line prints them to stderr.
    public var warn: @Sendable (String) -> Void = { _ in }
    /// `http.timeout` is the total deadline of each exchange with a server (discovery, registration, token,
    /// refresh, MCP calls).
    public var http = AsyncHTTPTransport.Options()
    public var callbackTimeout: Duration = .seconds(300)
    public var refreshConcurrency = 8
    /// How long a refresh waits for another process refreshing the same connection (see `AcquisitionEnvironment.lockWait`).
    public var lockWait: Duration = .seconds(45)
    /// `SWITCHBOARD_LOG` (trace…critical) by default.
    public var logger: Logger = WiringOptions.environmentLogger()
    /// Who this process is in the activity journal (`screen`, `token`, `refresh`, …).
    public var role = "switchboard"
    /// Whether to record activity (the journal in the home), and its bounds.
    public var recordsActivity = true
    public var activityPerScheme = ActivityJournal.defaultPerScheme
    public var activityMaxBytes = ActivityJournal.defaultMaxBytes

    public init() {}

    public init(_ configure: (inout WiringOptions) -> Void) { configure(&self) }

    public static func environmentLogger() -> Logger {
        var logger = Logger(label: "switchboard")
        logger.logLevel = ProcessInfo.processInfo.environment["SWITCHBOARD_LOG"].flatMap { Logger.Level(rawValue: $0) } ?? .critical
        return logger
    }
}
