import Foundation
import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1 child channel behind a ``ConnectionGate``: a connection past the limit
/// is answered `503 too_many_connections` at once, before any of its bytes are read, and closed;
/// it never reaches the router. The server keeps its descriptors for the connections it has,
/// and a client past the limit learns so at once instead of waiting in the listen backlog.
///
/// It also times each request head (``HeadReadClock``): the header-read timeout.
struct LimitedHTTP1Channel: ServerChildChannel {
    let base: HTTP1Channel
    let gate: ConnectionGate
    let headTimeout: TimeAmount

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<HTTP1Channel.Value> {
        guard gate.enter() else {
            do {
                try channel.pipeline.syncOperations.addHandler(RefusingHandler(limit: gate.limit))
            } catch {
                channel.close(promise: nil)
            }
            return base.setup(channel: channel, logger: logger)
        }
        channel.closeFuture.whenComplete { _ in gate.leave() }
        let clock = HeadReadClock(timeout: headTimeout)
        do {
            try channel.pipeline.syncOperations.addHandler(HeadStartHandler(clock: clock))  // before the decoder
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        var configuration = base.configuration
        configuration.additionalChannelHandlers = { [HeadEndHandler(clock: clock)] }  // after it
        return HTTP1Channel(responder: base.responder, configuration: configuration).setup(channel: channel, logger: logger)
    }

    func handle(value: HTTP1Channel.Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

/// First in the pipeline of a refused connection: drops what the client sends, writes the
/// 503 as soon as the connection is active, and closes it.
private final class RefusingHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { refuse(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        refuse(context)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}  // never reaches HTTP

    private func refuse(_ context: ChannelHandlerContext) {
        let body =
            #"{"error":{"code":"too_many_connections","details":{"limit":\#(limit)},"message":"The server has \#(limit) connections open, its limit; try again shortly."}}"#
        let head =
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
            + "Connection: close\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: head + body))).whenComplete { _ in
            channel.close(promise: nil)
        }
    }
}
