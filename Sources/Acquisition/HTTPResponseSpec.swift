import Foundation
import SwitchboardCore

/// A response with its body read (and capped).
public struct HTTPResponseSpec: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: Data

    public init(status: Int, headers: [(String, String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

}

extension HTTPResponseSpec: HTTPHeaderLookup {}
