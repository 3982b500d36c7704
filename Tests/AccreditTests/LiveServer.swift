import AccreditServe
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import ServiceLifecycle
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// The preview server under test, reached over a real socket by a small HTTP/1.1 client.
//
// Written instead of using HummingbirdTesting: that product links AsyncHTTPClient, NIOSSL and BoringSSL
// into the test build, about five minutes of every fresh build on a 2-core machine, for tests that only
// need GET and HEAD on 127.0.0.1.

/// One response: status, headers and the whole body (the connection is closed after it).
struct LiveResponse: Sendable {
  let status: HTTPResponse.Status
  let headers: HTTPFields
  let body: [UInt8]

  var text: String { String(decoding: body, as: UTF8.self) }
}

/// Sends requests to the server at `port`, each on a connection of its own.
struct LiveClient: Sendable {
  let port: Int

  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  func execute(uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:]) async throws -> LiveResponse {
    let port = port
    return try await offThePool { try LiveClient.exchange(port: port, uri: uri, method: method, headers: headers) }
  }

  private static func exchange(port: Int, uri: String, method: HTTPRequest.Method, headers: HTTPFields) throws
    -> LiveResponse
  {
    let socket = try connectedSocket(port: port)
    defer { close(socket) }
    var request = "\(method.rawValue) \(uri) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
    for field in headers { request += "\(field.name.rawName): \(field.value)\r\n" }
    request += "\r\n"
    _ = request.withCString { send(socket, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
    let received = try readToEnd(socket)
    let separator = Array("\r\n\r\n".utf8)
    guard let headEnd = received.firstRange(of: separator) else {
      throw Failure(description: "no response head in \(received.count) bytes")
    }
    let lines = String(decoding: received[..<headEnd.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
    let statusWords = lines[0].split(separator: " ", maxSplits: 2)
    guard statusWords.count >= 2, let code = Int(statusWords[1]) else {
      throw Failure(description: "bad status line '\(lines[0])'")
    }
    var fields = HTTPFields()
    for line in lines.dropFirst() {
      guard let colon = line.firstIndex(of: ":"), let name = HTTPField.Name(String(line[..<colon])) else { continue }
      fields.append(
        HTTPField(name: name, value: line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
    }
    var body = Array(received[headEnd.upperBound...])
    if fields[.transferEncoding] == "chunked" { body = try dechunked(body) }
    return LiveResponse(status: HTTPResponse.Status(code: code), headers: fields, body: body)
  }

  private static func readToEnd(_ socket: Int32) throws -> [UInt8] {
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
      guard poll(&descriptor, 1, 20_000) > 0 else { throw Failure(description: "no answer within 20 s") }
      let count = recv(socket, &buffer, buffer.count, 0)
      if count <= 0 { return received }
      received += buffer[..<count]
    }
  }

  private static func dechunked(_ bytes: [UInt8]) throws -> [UInt8] {
    var body: [UInt8] = []
    var rest = bytes[...]
    let lineEnd = Array("\r\n".utf8)
    while let end = rest.firstRange(of: lineEnd) {
      let sizeText = String(decoding: rest[..<end.lowerBound], as: UTF8.self).split(separator: ";").first ?? ""
      guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else {
        throw Failure(description: "bad chunk size '\(sizeText)'")
      }
      if size == 0 { break }
      let start = end.upperBound
      guard rest.distance(from: start, to: rest.endIndex) >= size + 2 else { throw Failure(description: "short chunk") }
      body += rest[start..<rest.index(start, offsetBy: size)]
      rest = rest[rest.index(start, offsetBy: size + 2)...]
    }
    return body
  }
}

extension PreviewServer {
  /// Runs the server's application on a free port of 127.0.0.1 while `body` runs, then shuts it down.
  func live<T: Sendable>(_ body: (LiveClient) async throws -> T) async throws -> T {
    let (ports, continuation) = AsyncStream<Int>.makeStream()
    let app = application { port in continuation.yield(port) }
    let group = ServiceGroup(
      configuration: .init(services: [app], gracefulShutdownSignals: [], logger: Logger(label: "accredit.tests")))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
      tasks.addTask { try await group.run() }
      var iterator = ports.makeAsyncIterator()
      guard let port = await iterator.next() else { throw LiveClient.Failure(description: "the server did not start") }
      do {
        let value = try await body(LiveClient(port: port))
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return value
      } catch {
        await group.triggerGracefulShutdown()
        try? await tasks.waitForAll()
        throw error
      }
    }
  }
}

/// A TCP connection to the server on 127.0.0.1.
func connectedSocket(port: Int) throws -> Int32 {
  #if canImport(Glibc)
    let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
  #else
    let socket = Darwin.socket(AF_INET, SOCK_STREAM, 0)
  #endif
  guard socket >= 0 else { throw LiveClient.Failure(description: "socket") }
  var address = sockaddr_in()
  address.sin_family = sa_family_t(AF_INET)
  address.sin_port = in_port_t(UInt16(port).bigEndian)
  address.sin_addr.s_addr = inet_addr("127.0.0.1")
  let connected = withUnsafePointer(to: &address) {
    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
      connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
    }
  }
  guard connected == 0 else {
    close(socket)
    throw LiveClient.Failure(description: "connect")
  }
  return socket
}

/// Runs `body`, which blocks on a socket, on a thread of its own: Swift's two cooperative threads (on two
/// cores) must stay free for the server under test to answer.
func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
  try await withCheckedThrowingContinuation { continuation in
    Thread { continuation.resume(with: Result { try body() }) }.start()
  }
}
