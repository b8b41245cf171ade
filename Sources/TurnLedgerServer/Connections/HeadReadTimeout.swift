import NIOCore
import NIOHTTPTypes

/// The header-read timeout: once the first byte of a request arrives, its whole head must
/// arrive within `timeout`, or the connection is closed (a slow-loris client holds no
/// connection longer than that). Waiting for the next request on a keep-alive connection is the
/// idle timeout's business, not this one's.
///
/// Two handlers share one clock: ``HeadStartHandler`` sits before the HTTP decoder and sees the
/// first raw bytes of a request; ``HeadEndHandler`` sits after it and sees the decoded head
/// arrive and the response end. Both run on the channel's event loop only.
final class HeadReadClock: @unchecked Sendable {
    let timeout: TimeAmount
    fileprivate var deadline: Scheduled<Void>?
    fileprivate var waitingForHead = true

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    fileprivate func start(on channel: any Channel) {
        guard waitingForHead, deadline == nil else { return }
        deadline = channel.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    fileprivate func stop() {
        deadline?.cancel()
        deadline = nil
    }
}

/// Before the HTTP decoder: the first bytes of a request start the clock.
final class HeadStartHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    private let clock: HeadReadClock

    init(clock: HeadReadClock) {
        self.clock = clock
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        clock.start(on: context.channel)
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        clock.stop()
        context.fireChannelInactive()
    }
}

/// After the HTTP codec: a whole head stops the clock; the end of a response makes the
/// connection wait for the next head.
final class HeadEndHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let clock: HeadReadClock

    init(clock: HeadReadClock) {
        self.clock = clock
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data) {
            clock.stop()
            clock.waitingForHead = false
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { clock.waitingForHead = true }
        context.write(data, promise: promise)
    }
}
