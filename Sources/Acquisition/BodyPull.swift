import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import SwitchboardCore
import Synchronization

/// A response body's iterator, advanced by one reader at a time: `AsyncThrowingStream(unfolding:)` calls its
/// closure only after the previous call returned, so the iterator is never touched by two tasks at once.
final class BodyPull: @unchecked Sendable {
    private var iterator: HTTPClientResponse.Body.AsyncIterator

    init(_ iterator: HTTPClientResponse.Body.AsyncIterator) { self.iterator = iterator }

    func next() async throws -> Data? {
        try await iterator.next().map { Data($0.readableBytesView) }
    }
}
