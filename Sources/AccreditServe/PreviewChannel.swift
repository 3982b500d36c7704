import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1

/// The preview server's HTTP/1 connections: Hummingbird's, with `KeepAliveHandler` in front, which closes
/// a connection after the response when the request asked for it the HTTP/1.0 way (no
/// `Connection: keep-alive`). Hummingbird reads requests as HTTP types, which carry no version, so such a
/// connection stayed open until the idle timeout.
struct PreviewChannel: ServerChildChannel {
  typealias Value = HTTP1Channel.Value

  let http1: HTTP1Channel

  func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
    http1.setup(channel: channel, logger: logger).flatMapThrowing { value in
      let pipeline = channel.pipeline.syncOperations
      // Between NIO's HTTP/1 decoder and the conversion to HTTP types, where the version is still known.
      let decoder = try pipeline.context(handlerType: ByteToMessageHandler<HTTPRequestDecoder>.self)
      try pipeline.addHandler(KeepAliveHandler(), position: .after(decoder.handler))
      return value
    }
  }

  func handle(value: Value, logger: Logger) async {
    await http1.handle(value: value, logger: logger)
  }
}

/// Adds `Connection: close` to a request that does not keep the connection alive (HTTP/1.0 without
/// `Connection: keep-alive`, or `Connection: close` in any case), so that Hummingbird closes the connection
/// after its response; says so in the response; answers HTTP/1.0 requests in HTTP/1.0, so that a body of
/// unknown length is not sent in chunks such a client cannot read.
private final class KeepAliveHandler: ChannelDuplexHandler, RemovableChannelHandler {
  typealias InboundIn = HTTPServerRequestPart
  typealias InboundOut = HTTPServerRequestPart
  typealias OutboundIn = HTTPServerResponsePart
  typealias OutboundOut = HTTPServerResponsePart

  /// For each request not answered yet, in order: its version and whether the connection stays open.
  private var requests: [(version: HTTPVersion, keepAlive: Bool)] = []

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    guard case .head(var head) = unwrapInboundIn(data) else {
      context.fireChannelRead(data)
      return
    }
    let keepAlive = head.isKeepAlive
    requests.append((head.version, keepAlive))
    if !keepAlive {
      // Hummingbird compares the value with `close` exactly.
      head.headers.replaceOrAdd(name: "connection", value: "close")
    }
    context.fireChannelRead(wrapInboundOut(.head(head)))
  }

  func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
    guard case .head(var head) = unwrapOutboundIn(data), head.status.code >= 200, !requests.isEmpty else {
      context.write(data, promise: promise)
      return
    }
    let request = requests.removeFirst()
    if request.version == .http1_0 {
      head.version = .http1_0
      head.headers.replaceOrAdd(name: "Connection", value: request.keepAlive ? "keep-alive" : "close")
    } else if !request.keepAlive {
      head.headers.replaceOrAdd(name: "Connection", value: "close")
    }
    context.write(wrapOutboundOut(.head(head)), promise: promise)
  }
}
