import Foundation
import SwitchboardCore

/// Keeps secrets out of messages: query strings can carry codes and tokens, so they are dropped.
public enum Redact {
    /// A URL without its query and fragment.
    public static func url(_ url: URL) -> String {
        guard var c = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return "(a URL)" }
        let hadQuery = c.query != nil
        c.query = nil
        c.fragment = nil
        c.user = nil
        c.password = nil
        return (c.string ?? "(a URL)") + (hadQuery ? "?…" : "")
    }

    /// Text from a server, made safe to show: one line, controls shown (`^[`, `<U+202E>`), bounded.
    public static func serverText(_ text: String, limit: Int = 200) -> String {
        TerminalText.safe(text, limit: limit)
    }

    /// A list of server values (scopes, methods), each made safe on its own: one value, one word of a line.
    public static func serverList(_ values: [String], limit: Int = 100) -> [String] {
        values.map { serverText($0, limit: limit) }
    }

    /// An event with every value a server chose (client ids, the device code and its addresses) made safe:
    /// events become lines on the command line, the screen and the debug log, so this is where server text
    /// enters them. Switchboard's own line breaks (between the parts of a device-code message) are not values.
    static func event(_ event: AcquisitionEvent) -> AcquisitionEvent {
        switch event {
        case .authorizationServerFound(let issuer, let device): .authorizationServerFound(issuer: serverText(issuer, limit: 300), deviceFlow: device)
        case .registeringClient(let endpoint): .registeringClient(endpoint: serverText(endpoint, limit: 300))
        case .clientRegistered(let id): .clientRegistered(clientID: serverText(id, limit: 120))
        case .clientReused(let id): .clientReused(clientID: serverText(id, limit: 120))
        case .clientPreregistered(let id): .clientPreregistered(clientID: serverText(id, limit: 120))
        case .clientMetadataDocument(let url): .clientMetadataDocument(url: serverText(url, limit: 300))
        case .deviceCode(let code, let uri, let complete, let expiresAt):
            .deviceCode(userCode: serverText(code, limit: 40), verificationURI: serverText(uri, limit: 300),
                        verificationURIComplete: complete.map { serverText($0, limit: 300) }, expiresAt: expiresAt)
        default: event
        }
    }
}
