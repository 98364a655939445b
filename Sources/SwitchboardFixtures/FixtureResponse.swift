import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A response the fixture sends.
public struct FixtureResponse: Sendable, Error {
    public var status: Int
    public var headers: [(String, String)]
    public var body: Data

    public init(status: Int, headers: [(String, String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public static func json(_ object: Any, status: Int = 200, headers: [(String, String)] = []) -> FixtureResponse {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return FixtureResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: data)
    }

    public static func text(_ text: String, status: Int = 200, headers: [(String, String)] = []) -> FixtureResponse {
        FixtureResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")] + headers, body: Data(text.utf8))
    }

    public static let notFound = FixtureResponse.text("not found", status: 404)
}
