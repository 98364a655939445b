import Acquisition
import Foundation
import SwitchboardCore
import SwitchboardWiring

extension GlobalOptions {
    /// The engine for this command's home; store warnings go to stderr; `role` names this process in the
    /// activity journal (`token`, `screen`, …).
    func engine(_ role: String, browser: any BrowserOpener = SystemBrowser()) -> Wiring {
        Self.engine(home: resolvedHome, role: role, browser: browser)
    }

    static func engine(home: SwitchboardHome, role: String, browser: any BrowserOpener = SystemBrowser()) -> Wiring {
        Wiring(home: home, options: WiringOptions { $0.browser = browser; $0.warn = { Console.warn($0) }; $0.role = role })
    }
}

extension Wiring {
    static func print(_ event: AcquisitionEvent, toStandardError: Bool = false) {
        if case .failed(let e) = event {
            Output.error("✕ \(e.message)")
            if let remedy = e.remedyText { Output.error("  \(remedy)") }
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
            Wiring.print(event, toStandardError: toStandardError)
        }
        return events
    }

    /// One way every command reports an engine failure: the message, then the engine's remedy; a connection
    /// that needs a new sign-in and has no remedy of its own is told to reconnect (exit 3). A network error is
    /// not a reason to reconnect.
    func cliError(_ error: any Error, name: String) -> any Error {
        if let e = error as? AcquisitionError {
            var shown = e
            if shown.remedies.isEmpty, e.needsReconnect { shown.remedies = [RemedyStep(.reconnect(connection: name))] }
            // `description` ends the message before the remedy ("… does not trust. If you trust …").
            return CLIError(message: "\(name): \(shown.description)", code: e.needsReconnect ? .needsReconnect : .failure)
        }
        if let e = error as? NothingToSignIn { return CLIError.usage(e.message) }
        if error is CLIError { return error }
        return CLIError.failure("\(name): \(Wiring.describe(error))")
    }

    /// The OAuth scheme of a connection, or a usage error.
    func oauthSchemeForCommand(named name: String) throws -> (Connection, AuthScheme) {
        do { return try oauthScheme(named: name) } catch let e as NothingToSignIn { throw CLIError.usage(e.message) }
    }
}
