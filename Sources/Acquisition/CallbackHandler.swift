import Foundation
import SwitchboardCore
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// Answers each request on the loopback listener.
final class CallbackHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let outcome: LoopbackListener.Outcome
    let peer: @Sendable (SocketAddress?, SocketAddress?) -> LoopbackPeer.Verdict
    let validate: @Sendable ([(String, String)]) -> LoopbackListener.Verdict
    var head: HTTPRequestHead?

    init(outcome: LoopbackListener.Outcome, peer: @escaping @Sendable (SocketAddress?, SocketAddress?) -> LoopbackPeer.Verdict,
         validate: @escaping @Sendable ([(String, String)]) -> LoopbackListener.Verdict) {
        self.outcome = outcome
        self.peer = peer
        self.validate = validate
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h): head = h
        case .body: break
        case .end:
            guard let head else { return }
            self.head = nil
            let (status, text) = answer(head, peer: { self.peer(context.channel.localAddress, context.channel.remoteAddress) })
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: "text/html; charset=utf-8")
            headers.add(name: "Cache-Control", value: "no-store")
            headers.add(name: "Connection", value: "close")
            let body = "<!doctype html><meta charset=utf-8><title>Switchboard</title><body style=\"font-family:sans-serif\"><h1>\(text)</h1></body>"
            headers.add(name: "Content-Length", value: "\(body.utf8.count)")
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: head.version, status: status, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        }
    }

    /// `peer` is asked only for a sign-in response (it reads the kernel's socket tables).
    func answer(_ head: HTTPRequestHead, peer: () -> LoopbackPeer.Verdict) -> (HTTPResponseStatus, String) {
        switch LoopbackListener.classify(method: head.method.rawValue, uri: head.uri) {
        case .elsewhere: return (.notFound, "Not found")
        case .notAResponse:
            return outcome.isResolved ? (.gone, "This sign-in has already finished. You can close this tab.")
                : (.badRequest, "This is not a sign-in response.")
        case .response where outcome.isResolved:
            return (.gone, "This sign-in has already finished. You can close this tab.")
        case .response(let query):
            // Before the response is looked at: a refused one neither ends the sign-in nor spends its `state`.
            switch peer() {
            case .sameUser: break
            case .otherUser:
                return (.forbidden, "This sign-in belongs to another user account on this computer. Switchboard did not accept this response.")
            case .unknown:
                return (.forbidden, "Switchboard could not confirm that this browser runs as the user who started the sign-in, so it did not accept this response. Copy this page's address and paste it into the sign-in that waits in Switchboard (the Connect panel takes it, and so does a connect without a browser).")
            }
            switch validate(query) {
            case .accept(let code):
                outcome.resolve(.success(code))
                return (.ok, "Signed in. You can close this tab and return to Switchboard.")
            case .reject(let error) where error.code == .stateMismatch:
                // Not this sign-in's response: refuse it and keep waiting for the real one.
                return (.badRequest, "This response does not belong to the sign-in in progress. Finish the sign-in in the tab Switchboard opened.")
            case .reject(let error):
                outcome.resolve(.failure(error))
                return (.badRequest, "Sign-in failed. Return to Switchboard for details.")
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
