import Foundation
import HTTPTypes
import Hummingbird
import ServiceLifecycle

/// Answers every request from the current snapshot: pages with the reload script (and, after a failed
/// build, the error overlay) injected, the event stream, conditional requests, `HEAD`, the 404 page.
///
/// The site lives in memory, never on disk, so no request can reach a file outside it; paths that try
/// (`..`, `%2e%2e`, backslashes) are refused with 400 all the same, so that a mistake shows.
struct SiteResponder: HTTPResponder {
  typealias Context = BasicRequestContext

  /// The path of the Server-Sent Events stream that tells pages to reload.
  static let eventsPath = "/__accredit/events"

  let state: PreviewState

  func respond(to request: Request, context: Context) async throws -> Response {
    guard request.method == .get || request.method == .head else {
      var response = Response(status: .methodNotAllowed)
      response.headers[.allow] = "GET, HEAD"
      return response
    }
    let rawPath = request.uri.path
    if rawPath == SiteResponder.eventsPath { return events() }
    var snapshot = state.snapshot
    // While the first build renders, only its early files are here: a request for one of them waits for
    // the early part (it may come before it), any other for the whole site.
    if !snapshot.isWhole, case .file(let key, _) = SitePath.resolve(rawPath), snapshot.files[key] == nil {
      snapshot = await state.snapshot(holding: key)
    }
    switch SitePath.resolve(rawPath) {
    case .invalid:
      return plain(.badRequest, "Bad request: the path leaves the site.\n", head: request.method == .head)
    case .file(let key, let isDirectory):
      if let file = snapshot.files[key] {
        return serve(file, snapshot: snapshot, request: request, status: .ok)
      }
      if !isDirectory, snapshot.files[key.isEmpty ? "index.html" : key + "/index.html"] != nil {
        var response = Response(status: .movedPermanently)
        response.headers[.location] = rawPath + "/"
        return response
      }
      if let notFound = snapshot.files["404.html"] {
        return serve(notFound, snapshot: snapshot, request: request, status: .notFound, conditional: false)
      }
      return plain(.notFound, "Not found.\n", head: request.method == .head)
    }
  }

  private func serve(
    _ file: ServedFile, snapshot: SiteSnapshot, request: Request, status: HTTPResponse.Status,
    conditional: Bool = true
  ) -> Response {
    let bytes = file.isHTML ? Injection.inject(into: file.bytes, snapshot: snapshot) : file.bytes
    let etag = file.isHTML ? Injection.etag(file.etag, snapshot: snapshot) : file.etag
    var headers = HTTPFields()
    headers[.contentType] = file.contentType
    headers[.eTag] = etag
    headers[.lastModified] = HTTPDate.format(file.lastModified)
    headers[.cacheControl] = "no-cache"
    if conditional && HTTPDate.isNotModified(request.headers, etag: etag, lastModified: file.lastModified) {
      return Response(status: .notModified, headers: headers)
    }
    headers[.contentLength] = String(bytes.count)
    guard request.method != .head else { return Response(status: status, headers: headers) }
    return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
  }

  private func plain(_ status: HTTPResponse.Status, _ text: String, head: Bool) -> Response {
    var headers = HTTPFields()
    headers[.contentType] = "text/plain; charset=utf-8"
    headers[.contentLength] = String(text.utf8.count)
    return Response(
      status: status, headers: headers, body: head ? .init() : .init(byteBuffer: ByteBuffer(string: text)))
  }

  // `hello` carries the current generation at once, so a page built before a rebuild it missed reloads;
  // each rebuild then sends `reload`.
  private func events() -> Response {
    let stream = state.listen()
    let generation = state.snapshot.generation
    var headers = HTTPFields()
    headers[.contentType] = "text/event-stream"
    headers[.cacheControl] = "no-cache"
    return Response(
      status: .ok, headers: headers,
      body: ResponseBody { writer in
        try await writer.write(ByteBuffer(string: "retry: 500\nevent: hello\ndata: \(generation)\n\n"))
        // The stream ends when the server shuts down, so an open page never holds the shutdown up.
        for await next in stream.cancelOnGracefulShutdown() {
          try await writer.write(ByteBuffer(string: "event: reload\ndata: \(next)\n\n"))
        }
        try await writer.finish(nil)
      })
  }
}

/// A request path, checked and turned into a key of the snapshot.
enum SitePath: Equatable {
  /// The path tries to leave the site or cannot be read.
  case invalid
  /// The snapshot key, and whether the path named a folder (ended in `/`).
  case file(key: String, isDirectory: Bool)

  static func resolve(_ rawPath: String) -> SitePath {
    let path = rawPath.split(separator: "?", maxSplits: 1).first.map(String.init) ?? ""
    guard path.hasPrefix("/"), let decoded = path.removingPercentEncoding else { return .invalid }
    guard !decoded.contains("\\"), !decoded.contains("\0"), !decoded.unicodeScalars.contains(where: { $0.value < 0x20 })
    else { return .invalid }
    let segments = decoded.split(separator: "/", omittingEmptySubsequences: true)
    guard !segments.contains(where: { $0 == ".." || $0 == "." }), !decoded.hasPrefix("//") else { return .invalid }
    let joined = segments.joined(separator: "/")
    if decoded.hasSuffix("/") {
      return .file(key: joined.isEmpty ? "index.html" : joined + "/index.html", isDirectory: true)
    }
    return .file(key: joined, isDirectory: false)
  }
}

/// `Last-Modified` and `If-Modified-Since` dates, and the conditional-request check.
enum HTTPDate {
  private static let formatter: DateFormatter = {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
    return formatter
  }()
  private static let lock = NSLock()

  static func format(_ date: Date) -> String {
    lock.withLock { formatter.string(from: date) }
  }

  static func parse(_ text: String) -> Date? {
    lock.withLock { formatter.date(from: text) }
  }

  /// Whether the client's copy is current: `If-None-Match` decides when present, else `If-Modified-Since`.
  static func isNotModified(_ headers: HTTPFields, etag: String, lastModified: Date) -> Bool {
    if let match = headers[.ifNoneMatch] {
      return match == "*" || match.split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == etag }
    }
    if let since = headers[.ifModifiedSince].flatMap(parse) {
      return lastModified <= since
    }
    return false
  }
}
