import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

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
