import Foundation

/// The rule for a static bearer token a person gives (`add --scheme bearer`, the Add form, `import`): it
/// travels in an `Authorization` header, so it may hold only visible ASCII (RFC 6750's token characters and
/// a few more). A control character would make the HTTP library refuse the header, and its refusal quotes
/// the header, so the token is refused here, where the message can name the problem without the token.
public enum BearerToken {
    /// What is wrong with `token` ("holds a control character (U+0007) at character 12"), worded without
    /// any of its characters; nil when it can be sent.
    public static func problem(_ token: String) -> String? {
        if token.isEmpty { return "is empty" }
        for (offset, scalar) in token.unicodeScalars.enumerated() {
            let at = "at character \(offset + 1)"
            switch scalar.value {
            case 0x21...0x7E: continue
            case 0x20, 0x0A, 0x0D: return "holds a space or a line break \(at)"
            case 0x00...0x1F, 0x7F...0x9F: return "holds a control character (\(String(format: "U+%04X", scalar.value))) \(at)"
            default: return "holds a character outside ASCII \(at), which an HTTP header cannot carry"
            }
        }
        return nil
    }

    /// Refuses a token that cannot be sent, saying where the problem is and never showing the token.
    public static func validate(_ token: String) throws(InvalidInput) {
        guard let problem = problem(token) else { return }
        throw InvalidInput("the bearer token \(problem); give the token alone, exactly as the server issued it")
    }
}
