import Foundation
import SwitchboardCore

/// What opening the authorization URL came to.
public enum BrowserVisit: Sendable, Equatable {
    case opened, notOpened
    /// The authorization server answered the sign-in request with an error page (its status and words, as
    /// the server sent them: hostile input, shown only through `Redact`).
    case refused(status: Int, text: String)
}
