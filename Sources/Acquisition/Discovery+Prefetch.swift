import Foundation
import Synchronization
import SwitchboardCore

extension Discovery {
    /// GETs of metadata sent ahead of need; each answer is taken at most once, by a fetch of the same URL.
    final class Prefetch: Sendable {
        private let started = Mutex<[URL: Task<HTTPResponseSpec, any Error>]>([:])

        func start(_ url: URL, http: any HTTPTransport) {
            let task = Task { try await http.send(Discovery.metadataRequest(url)) }
            started.withLock { $0[url] = task }
        }

        /// The answer for `url` if it was sent ahead (the request's own error if it failed).
        func take(_ url: URL) -> Task<HTTPResponseSpec, any Error>? {
            started.withLock { $0.removeValue(forKey: url) }
        }

        func cancelRest() {
            for task in started.withLock({ s in defer { s = [:] }; return Array(s.values) }) { task.cancel() }
        }
    }

    static func metadataRequest(_ url: URL) -> HTTPRequestSpec {
        HTTPRequestSpec(url: url, headers: [("Accept", "application/json")])
    }
}
