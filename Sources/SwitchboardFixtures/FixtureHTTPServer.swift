import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A request as the fixture sees it.
public struct FixtureRequest: Sendable {
    public var method: String
    public var path: String
    public var query: [(String, String)]
    public var headers: [(String, String)]
    public var body: Data

    public func header(_ name: String) -> String? {
        headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
    }

    public func queryValue(_ name: String) -> String? { query.first { $0.0 == name }?.1 }

    /// The body as a form.
    public var form: [String: String] {
        var out: [String: String] = [:]
        for (k, v) in FixtureForm.decode(String(decoding: body, as: UTF8.self)) where out[k] == nil { out[k] = v }
        return out
    }
}

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

/// Form and query encoding for the fixture (kept apart from the engine's so the two check each other).
public enum FixtureForm {
    public static func decode(_ text: String) -> [(String, String)] {
        text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func dec(_ s: Substring) -> String { String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s) }
            return (dec(parts[0]), parts.count > 1 ? dec(parts[1]) : "")
        }
    }

    public static func encode(_ pairs: [(String, String)]) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return pairs.map { "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }
            .joined(separator: "&")
    }
}

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

final class FixtureHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let handler: @Sendable (FixtureRequest) async -> FixtureResponse?
    var head: HTTPRequestHead?
    var body = Data()

    init(handler: @escaping @Sendable (FixtureRequest) async -> FixtureResponse?) { self.handler = handler }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body = Data()
        case .body(let buffer):
            if body.count < 4 << 20 { body.append(contentsOf: buffer.readableBytesView) }
        case .end:
            guard let head else { return }
            let parts = head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
            let request = FixtureRequest(method: head.method.rawValue, path: String(parts.first ?? "/"),
                                         query: parts.count > 1 ? FixtureForm.decode(String(parts[1])) : [],
                                         headers: head.headers.map { ($0.name, $0.value) }, body: body)
            let keepAlive = head.isKeepAlive
            let version = head.version
            let handler = self.handler
            let promise = context.eventLoop.makePromise(of: FixtureResponse?.self)
            promise.completeWithTask { await handler(request) }
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            promise.futureResult.whenSuccess { response in
                guard let response else { return } // a silent server
                let context = bound.value
                var headers = HTTPHeaders()
                for (k, v) in response.headers { headers.add(name: k, value: v) }
                headers.replaceOrAdd(name: "Content-Length", value: "\(response.body.count)")
                if !keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
                context.write(NIOAny(HTTPServerResponsePart.head(HTTPResponseHead(version: version, status: .init(statusCode: response.status), headers: headers))), promise: nil)
                context.write(NIOAny(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: response.body)))), promise: nil)
                let channel = context.channel
                context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil))).whenComplete { _ in
                    if !keepAlive { channel.close(promise: nil) }
                }
            }
            self.head = nil
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
}
