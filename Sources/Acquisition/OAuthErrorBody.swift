import Foundation
import SwitchboardCore

/// An OAuth error body (RFC 6749 §5.2).
package struct OAuthErrorBody: Decodable {
    var error: String?
    var errorDescription: String?
    enum CodingKeys: String, CodingKey { case error, errorDescription = "error_description" }

    package static func from(_ data: Data) -> OAuthErrorBody? { try? JSONDecoder().decode(OAuthErrorBody.self, from: data) }

    package var text: String {
        [error.map { Redact.serverText($0, limit: 60) }, errorDescription.map { Redact.serverText($0) }].compactMap { $0 }.joined(separator: ": ")
    }
}
