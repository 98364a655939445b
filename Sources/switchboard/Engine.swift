import Acquisition
import Foundation
import Logging
import SwitchboardCore

/// Wires the engine for a command: live HTTP, the chosen browser, the home's stores.
struct Engine {
    let actor: AcquisitionActor
    let integrations: Integrations
    let http: AsyncHTTPTransport
    /// The configured client metadata document URL (`SWITCHBOARD_CLIENT_METADATA_URL`), as the engine reads it.
    let clientMetadataURL: String?

    init(global: GlobalOptions, browser: any BrowserOpener = SystemBrowser()) {
        integrations = global.integrations()
        http = AsyncHTTPTransport()
        var logger = Logger(label: "switchboard")
        logger.logLevel = ProcessInfo.processInfo.environment["SWITCHBOARD_LOG"].flatMap { Logger.Level(rawValue: $0) } ?? .critical
        let environment = AcquisitionEnvironment(
            http: http, browser: browser, integrations: integrations.connections, secrets: integrations.secrets, logger: logger)
        clientMetadataURL = environment.clientMetadataURL
        actor = AcquisitionActor(environment: environment)
    }

    /// The doctor's report for a connection (discovery replayed, nothing signed in or stored).
    func doctorReport(named name: String) async throws -> [String] {
        let connection = try integrations.connection(named: name)
        return await Doctor(http: http, secrets: integrations.secrets, clientMetadataURL: clientMetadataURL).report(for: connection)
    }

    func shutdown() async { await http.shutdown() }

    /// The OAuth scheme of a connection, or a usage error.
    func oauthScheme(named name: String) throws -> (Connection, AuthScheme) {
        let c = try integrations.connection(named: name)
        guard let s = c.primaryScheme, s.kind.isOAuth else {
            throw CLIError.usage("`\(name)` uses `\(c.primaryScheme?.kind.rawValue ?? "no")` authorization; there is nothing to sign in to")
        }
        return (c, s)
    }

    static func print(_ event: AcquisitionEvent, toStandardError: Bool = false) {
        if case .failed(let e) = event {
            Output.error("✕ \(e.message)")
            if let remedy = e.remedy { Output.error("  \(remedy)") }
            return
        }
        let line = (event.isTerminal ? "● " : "· ") + event.summary
        if toStandardError { Output.error(line) } else { Output.line(line) }
    }

    /// Prints events as they arrive; returns the last one.
    /// `toStandardError` keeps stdout clean for commands whose output is data (`call`, `check --json`).
    static func follow(_ stream: AsyncStream<AcquisitionEvent>, toStandardError: Bool = false) async -> AcquisitionEvent? {
        await followAll(stream, toStandardError: toStandardError).last
    }

    /// Prints events as they arrive; returns all of them.
    static func followAll(_ stream: AsyncStream<AcquisitionEvent>, toStandardError: Bool = false) async -> [AcquisitionEvent] {
        var events: [AcquisitionEvent] = []
        for await event in stream {
            events.append(event)
            Engine.print(event, toStandardError: toStandardError)
        }
        return events
    }
}
