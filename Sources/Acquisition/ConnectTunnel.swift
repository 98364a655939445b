import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// `CONNECT host:port` through an HTTP proxy, then TLS inside the tunnel.
final class ConnectTunnel: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let target: String
    let then: @Sendable () throws -> NIOSSLClientHandler
    var head = ByteBuffer()

    init(target: String, then: @escaping @Sendable () throws -> NIOSSLClientHandler) {
        self.target = target
        self.then = then
    }

    func channelActive(context: ChannelHandlerContext) {
        let request = "CONNECT \(target) HTTP/1.1\r\nHost: \(target)\r\n\r\n"
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: request)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var chunk = unwrapInboundIn(data)
        head.writeBuffer(&chunk)
        let text = String(buffer: head)
        guard text.contains("\r\n\r\n") else {
            if head.readableBytes > 16 * 1024 { context.close(promise: nil) }
            return
        }
        let status = text.split(separator: " ", maxSplits: 2).dropFirst().first
        guard status == "200", let tls = try? then() else {
            context.close(promise: nil)
            return
        }
        do {
            try context.pipeline.syncOperations.addHandler(tls, position: .after(self))
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        } catch {
            context.close(promise: nil)
        }
    }
}
