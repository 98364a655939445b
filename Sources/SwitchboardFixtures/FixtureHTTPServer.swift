import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A small HTTP/1.1 server on 127.0.0.1 with a kernel-chosen port. A handler returning nil never answers.
public final class FixtureHTTPServer: Sendable {
    public let port: Int
    private let channel: any Channel

    public var baseURL: String { "http://127.0.0.1:\(port)" }

    public static func start(port: Int = 0, handler: @escaping @Sendable (FixtureRequest) async -> FixtureResponse?) async throws -> FixtureHTTPServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(FixtureHandler(handler: handler))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
        return FixtureHTTPServer(port: channel.localAddress?.port ?? port, channel: channel)
    }

    private init(port: Int, channel: any Channel) {
        self.port = port
        self.channel = channel
    }

    public func stop() async { try? await channel.close() }
}
