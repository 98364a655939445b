import Foundation

/// One server-sent event (HTML Living Standard §9.2).
public struct SSEEvent: Equatable, Sendable {
    public var event: String
    public var data: String
    public var id: String?
    public var retry: Int?

    public init(event: String, data: String, id: String?, retry: Int?) {
        self.event = event
        self.data = data
        self.id = id
        self.retry = retry
    }
}
