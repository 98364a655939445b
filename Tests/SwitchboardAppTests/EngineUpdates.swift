import Foundation
import SwitchboardCore

extension SchemeUpdate {
    /// An update as the engine sends it, with the status it sets (the reducer no longer guesses one): what it
    /// writes for a final event (a failed sign-in is `error`, as in the file), what it shows for progress.
    static func fromEngine(schemeID: String, event: AcquisitionEvent, revision: Int? = nil, at now: Date = Sample.now) -> SchemeUpdate {
        let status: SchemeStatus? = switch event {
        case .probing: .connecting
        case .refreshing: .refreshing
        case .connected(let e), .refreshed(let e): .connected(expiresAt: e)
        case .expired(let reason): .expired(reason: reason, since: now)
        case .disconnected: .notConnected
        case .failed(let e) where e.code != .cancelled: .error(message: e.message, remedies: e.remedies)
        default: nil
        }
        return SchemeUpdate(schemeID: schemeID, event: event, revision: revision, status: status)
    }
}
