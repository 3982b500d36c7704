import AccreditEngine
@testable import AccreditServe
import AccreditSite
import Foundation
import HTTPTypes
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A copy of the sample content in a temporary folder, and a preview server over it.
struct Preview {
  let folder: URL
  let content: URL
  let templates: URL
  let server: PreviewServer
  let log = Captured()

  /// With `contentIsLink`, `content` is a symbolic link to the copy (`real-content`); with `watchesTemplates`
  /// false, the server has no templates folder.
  init(
    folder: URL, requestTimeout: Duration = .seconds(5), poll: Bool = false, port: Int = 0,
    contentIsLink: Bool = false, watchesTemplates: Bool = true, maximumConnections: Int? = nil,
    beforeBuild: @escaping @Sendable () throws(SiteBuilder.Failure) -> Void = {}
  ) throws {
    self.folder = folder
    content = folder.appendingPathComponent("content")
    templates = folder.appendingPathComponent("templates")
    let copy = contentIsLink ? folder.appendingPathComponent("real-content") : content
    try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("content"), to: copy)
    if contentIsLink { try FileManager.default.createSymbolicLink(at: content, withDestinationURL: copy) }
    try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
    let log = self.log
    var options = PreviewServer.Options(
      content: content, contentLabel: "content", templates: watchesTemplates ? templates : nil,
      templatesLabel: "templates", asOf: nil, port: port, pollInterval: .milliseconds(50),
      quietPeriod: .milliseconds(40))
    options.requestTimeout = requestTimeout
    options.poll = poll
    options.maximumConnections = maximumConnections
    var server = PreviewServer(options: options, log: { log.console.err($0) })
    server.beforeBuild = beforeBuild
    self.server = server
  }

  func write(_ path: String, _ text: String) throws {
    let url = content.appendingPathComponent(path)
    try Data(text.utf8).write(to: url)
  }

  func read(_ path: String) throws -> String {
    try String(contentsOf: content.appendingPathComponent(path), encoding: .utf8)
  }
}

private func body(_ response: LiveResponse) -> String { response.text }

@Suite("Preview server: serving")
struct ServeTests {
  @Test func servesContentTypesAndValidators() async throws {
    try await withTemporaryFolder { folder in
      let preview = try Preview(folder: folder)
      #expect(preview.server.rebuild())
      try await preview.server.live { client in
        let expected = [
          "/": "text/html; charset=utf-8", "/assets/style.css": "text/css; charset=utf-8",
          "/assets/site.js": "text/javascript; charset=utf-8", "/api/status.json": "application/json",
          "/partners/northwind-digital/badge.svg": "image/svg+xml", "/feed.xml": "application/xml",
          "/robots.txt": "text/plain; charset=utf-8", "/api/accreditations.csv": "text/csv; charset=utf-8",
        ]
        for (path, type) in expected {
          let response = try await client.execute(uri: path, method: .get)
          #expect(response.status == .ok, "\(path)")
          #expect(response.headers[.contentType] == type, "\(path)")
          #expect(response.headers[.eTag] != nil, "\(path)")
          #expect(response.headers[.lastModified] != nil, "\(path)")
          #expect(response.headers[.contentLength] == String(response.body.count), "\(path)")
        }
      }
    }
  }

  @Test func answersConditionalRequestsWith304() async throws {
    try await withTemporaryFolder { folder in
      let preview = try Preview(folder: folder)
      preview.server.rebuild()
      try await preview.server.live { client in
        for path in ["/partners/northwind-digital/", "/assets/style.css"] {
          let first = try await client.execute(uri: path, method: .get)
          let etag = try #require(first.headers[.eTag])
          let lastModified = try #require(first.headers[.lastModified])
          let byTag = try await client.execute(uri: path, method: .get, headers: [.ifNoneMatch: etag])
          #expect(byTag.status == .notModified)
          #expect(byTag.body.isEmpty)
          let byDate = try await client.execute(uri: path, method: .get, headers: [.ifModifiedSince: lastModified])
          #expect(byDate.status == .notModified)
          let stale = try await client.execute(uri: path, method: .get, headers: [.ifNoneMatch: "\"other\""])
          #expect(stale.status == .ok)
        }
      }
    }
  }

  @Test func headHasTheHeadersAndNoBody() async throws {
    try await withTemporaryFolder { folder in
      let preview = try Preview(folder: folder)
      preview.server.rebuild()
      try await preview.server.live { client in
        let get = try await client.execute(uri: "/faq/", method: .get)
        let head = try await client.execute(uri: "/faq/", method: .head)
        #expect(head.status == .ok)
        #expect(head.body.isEmpty)
        #expect(head.headers[.contentLength] == get.headers[.contentLength])
        #expect(head.headers[.eTag] == get.headers[.eTag])
        let post = try await client.execute(uri: "/faq/", method: .post)
        #expect(post.status == .methodNotAllowed)
      }
    }
  }

  @Test func foldersServeTheirIndexAndMissingPagesThe404Page() async throws {
    try await withTemporaryFolder { folder in
      let preview = try Preview(folder: folder)
      preview.server.rebuild()
      try await preview.server.live { client in
        let index = try await client.execute(uri: "/partners/northwind-digital/", method: .get)
        #expect(index.status == .ok)
        #expect(body(index).contains(">Northwind Digital</h1>"))
        let redirect = try await client.execute(uri: "/partners/northwind-digital", method: .get)
        #expect(redirect.status == .movedPermanently)
        #expect(redirect.headers[.location] == "/partners/northwind-digital/")
        let missing = try await client.execute(uri: "/partners/nobody/", method: .get)
        #expect(missing.status == .notFound)
        #expect(body(missing).contains("<h1>Page not found</h1>"))
      }
    }
  }

  @Test func theReloadScriptIsInjectedOnlyIntoServedPages() async throws {
    try await withTemporaryFolder { folder in
      let preview = try Preview(folder: folder)
      preview.server.rebuild()
      try await preview.server.live { client in
        let page = try await client.execute(uri: "/", method: .get)
        #expect(body(page).contains("new EventSource(\"/__accredit/events\")"))
        #expect(body(page).hasSuffix("</script>\n</body>\n</html>\n"))
        let css = try await client.execute(uri: "/assets/style.css", method: .get)
        #expect(!body(css).contains("EventSource"))
      }
      let output = folder.appendingPathComponent("public")
      _ = try SiteBuilder.build(
        .init(content: preview.content, asOf: Day("2026-11-15"), today: Day("2026-11-15")), into: .init(folder: output))
      let built = try String(contentsOf: output.appendingPathComponent("index.html"), encoding: .utf8)
      #expect(!built.contains("__accredit"))
    }
  }

  struct Traversal: CustomTestStringConvertible, Sendable {
    let name: String
    let path: String
    var testDescription: String { name }
  }

  @Test(arguments: [
    Traversal(name: "dot-dot", path: "/../../../../etc/passwd"),
    Traversal(name: "dot-dot inside", path: "/assets/../../../etc/passwd"),
    Traversal(name: "percent-encoded dot-dot", path: "/%2e%2e/%2e%2e/%2e%2e/etc/passwd"),
    Traversal(name: "mixed-case encoding", path: "/%2E%2e/%2e%2E/etc/passwd"),
    Traversal(name: "encoded slash", path: "/..%2f..%2f..%2fetc%2fpasswd"),
    Traversal(name: "backslashes", path: "/..\\..\\..\\etc\\passwd"),
    Traversal(name: "encoded backslashes", path: "/%5c..%5c..%5cetc%5cpasswd"),
    Traversal(name: "absolute path", path: "//etc/passwd"),
    Traversal(name: "absolute path to the content", path: "/tmp/../etc/passwd"),
    Traversal(name: "NUL byte", path: "/index.html%00.css"),
    Traversal(name: "the outside link", path: "/secret.txt"),
  ])
  func neverServesAFileOutsideTheSite(_ row: Traversal) async throws {
    try await withTemporaryFolder { folder in
      let preview = try Preview(folder: folder)
      #expect(preview.server.rebuild())
      // A file outside the site, and a symbolic link to it among the templates' static files: the build
      // refuses it, naming the link, and the last good site is still served.
      let secret = folder.appendingPathComponent("secret.txt")
      try Data("TOP-SECRET-BYTES".utf8).write(to: secret)
      let staticFolder = preview.templates.appendingPathComponent("static")
      try FileManager.default.createDirectory(at: staticFolder, withIntermediateDirectories: true)
      try FileManager.default.createSymbolicLink(
        at: staticFolder.appendingPathComponent("secret.txt"), withDestinationURL: secret)
      #expect(!preview.server.rebuild())
      #expect(
        preview.log.err.contains(
          "templates/static/secret.txt:1:1: error: symbolic link to a file outside the templates folder"))
      #expect(!preview.log.err.contains("TOP-SECRET"))
      try await preview.server.live { client in
        let response = try await client.execute(uri: row.path, method: .get)
        #expect(response.status == .badRequest || response.status == .notFound)
        #expect(!body(response).contains("root:"))
        #expect(!body(response).contains("TOP-SECRET"))
      }
    }
  }
}

@Suite("Preview server: live", .serialized)
struct LiveServeTests {
  @Test(arguments: [false, true])
  func aChangedCaseNoteIsAReloadEventAndNewContentWithinSeconds(poll: Bool) async throws {
    try await withTemporaryFolder { folder in
      let preview = try Preview(folder: folder, poll: poll)
      preview.server.rebuild()
      try await preview.server.live { client in
        let port = client.port
        let events = try EventStreamReader(port: port)
        #expect(try await events.read(until: "event: hello", timeout: 10).contains("data: 1"))

        let started = ContinuousClock.now
        let note = "cases/northwind-digital/NW-2026-019.md"
        try preview.write(note, try preview.read(note) + "\nA brand new line about **Zebra Crossings**.\n")
        let received: String
        do {
          // Seconds, not milliseconds: the suites beside this one and the browser tests (Scripts/test runs
          // both at once) load both cores, and a reload took 5.6 s at a load of 14 (the figures are the
          // benchmark's, docs/performance.md); this asserts that the edit arrives, and soon.
          received = try await events.read(until: "event: reload", timeout: 10)
        } catch {
          try await Task.sleep(for: .seconds(3))
          Issue.record("\(error); the server's log 3 s later: \(preview.log.err)")
          return
        }
        #expect(received.contains("event: reload"))
        let page = try await client.execute(uri: "/partners/northwind-digital/cases/NW-2026-019/", method: .get)
        #expect(body(page).contains("<strong>Zebra Crossings</strong>"))
        #expect(started.duration(to: .now) < .seconds(10))
      }
    }
  }

  @Test func aNoteEditedAloneRendersItsPageAloneAndTheSiteEqualsAFullRender() async throws {
    try await withTemporaryFolder { folder in
      let preview = try Preview(folder: folder)
      preview.server.rebuild()
      try await preview.server.live { _ in
        func edit(_ change: () throws -> Void) async throws {
          let before = preview.server.generation
          try change()
          try await waitUntil { preview.server.generation > before }
        }
        func servedEqualsAFullRender() throws {
          let request = SiteBuilder.Request(
            content: preview.content, templates: preview.templates, asOf: nil, today: .todayUTC())
          let full = Dictionary(
            try SiteBuilder.render(request).files.map { ($0.path, $0.bytes) }, uniquingKeysWith: { a, _ in a })
          #expect(preview.server.state.snapshot.files.mapValues(\.bytes) == full)
        }
        let note = "cases/northwind-digital/NW-2026-019.md"
        try await edit {
          // As vim saves: a file made and removed to test the folder, then the note written.
          try preview.write("cases/northwind-digital/4913", "")
          try FileManager.default.removeItem(at: preview.content.appendingPathComponent("cases/northwind-digital/4913"))
          try preview.write(note, try preview.read(note) + "\nA call about **Zebra Crossings**.\n")
        }
        try await waitUntil("for the note edit's log line") {
          preview.log.err.contains("(1 rendered: case notes edited)")
        }
        try servedEqualsAFullRender()

        // A changed front matter: the case read alone and its partner evaluated again, not the whole build.
        try await edit {
          try preview.write(
            note, try preview.read(note).replacingOccurrences(of: "Pinecrest Realty\"", with: "Pinecrest Homes\""))
        }
        try await waitUntil("for the case edit's log line") { preview.log.err.contains("case files edited)") }
        try servedEqualsAFullRender()
        // A record edited with a note: built whole when both saves arrive in one burst, or as a note edit
        // then a record edit when the watcher sees them apart (a loaded machine); the site is right either way
        // (the record's new line changes no page, so the served site equals a full render after either build).
        let record = "partners/northwind-digital.yaml"
        try await edit {
          try preview.write(note, try preview.read(note) + "\nAnother call.\n")
          try preview.write(record, try preview.read(record) + "\n")
        }
        try servedEqualsAFullRender()
      }
    }
  }

  @Test func aBurstOfSavesRebuildsOnce() async throws {
    try await withTemporaryFolder { folder in
      let preview = try Preview(folder: folder)
      preview.server.rebuild()
      try await preview.server.live { _ in
        let before = preview.server.generation
        for id in ["NW-2026-019", "NW-2026-011", "NW-2025-004"] {
          let note = "cases/northwind-digital/\(id).md"
          try preview.write(note, try preview.read(note) + "\nEdited.\n")
        }
        try await Task.sleep(for: .milliseconds(700))
        #expect(preview.server.generation == before + 1)
      }
    }
  }

  @Test func aBrokenRecordKeepsTheOldPageWithTheErrorOverlay() async throws {
    try await withTemporaryFolder { folder in
      let preview = try Preview(folder: folder)
      preview.server.rebuild()
      try await preview.server.live { client in
        let record = "partners/northwind-digital.yaml"
        let good = try preview.read(record)
        try preview.write(record, good.replacingOccurrences(of: "tiers:", with: "teir:"))
        try await waitUntil { preview.server.generation == 2 }
        let page = try await client.execute(uri: "/partners/northwind-digital/", method: .get)
        #expect(page.status == .ok)
        #expect(body(page).contains(">Northwind Digital</h1>"), "the last good page")
        #expect(body(page).contains("id=\"accredit-overlay\""))
        #expect(body(page).contains("content/partners/northwind-digital.yaml:"))
        #expect(
          body(page).contains("error: unknown key &#39;teir&#39;") || body(page).contains("error: unknown key 'teir'"))
        try await waitUntil("for the terminal to show it too") { preview.log.err.contains("error: unknown key 'teir'") }

        try preview.write(record, good)
        try await waitUntil { preview.server.generation == 3 }
        let fixed = try await client.execute(uri: "/partners/northwind-digital/", method: .get)
        #expect(!body(fixed).contains("accredit-overlay"))
      }
    }
  }

  @Test func concurrentRequestsDuringRebuildsSeeWholePages() async throws {
    try await withTemporaryFolder { folder in
      let preview = try Preview(folder: folder)
      let note = "cases/northwind-digital/NW-2026-019.md"
      let original = try preview.read(note)
      preview.server.rebuild()
      try await preview.server.live { client in
        let path = "/partners/northwind-digital/cases/NW-2026-019/"
        try await withThrowingTaskGroup(of: [String].self) { group in
          group.addTask {
            for round in 0..<12 {
              try preview.write(note, original + "\nVersion marker \(round % 2 == 0 ? "ALPHA" : "OMEGA").\n")
              preview.server.rebuild()
            }
            return []
          }
          for _ in 0..<6 {
            group.addTask {
              var problems: [String] = []
              for _ in 0..<40 {
                let response = try await client.execute(uri: path, method: .get)
                let text = body(response)
                if response.status != .ok { problems.append("status \(response.status)") }
                if !text.hasSuffix("</html>\n") { problems.append("page cut short") }
                if text.contains("ALPHA") && text.contains("OMEGA") { problems.append("two versions mixed") }
                if text.components(separatedBy: "</html>").count != 2 { problems.append("torn page") }
              }
              return problems
            }
          }
          var problems: [String] = []
          for try await found in group { problems += found }
          #expect(problems.isEmpty, "\(problems.prefix(5))")
        }
      }
    }
  }
}

@Suite("Preview server: the first build")
struct FirstBuildTests {
  @Test func theOverviewIsHandedOverBeforeTheRestAndTheSiteIsTheSame() throws {
    try withTemporaryFolder { folder in
      let preview = try Preview(folder: folder)
      let request = SiteBuilder.Request(content: preview.content, asOf: nil, today: Day("2026-11-15"))
      let handed = Captured()
      let result = try SiteBuilder.render(
        request, early: { files in handed.console.out(files.map(\.path).joined(separator: "\n")) })
      let early = Set(handed.out.split(separator: "\n").map(String.init))
      #expect(early.contains("index.html") && early.contains("404.html") && early.contains("assets/style.css"))
      #expect(!early.contains { $0.hasPrefix("partners/") } && !early.contains("api/status.json"))
      let plain = try SiteBuilder.render(request)
      #expect(result.files.map(\.path) == plain.files.map(\.path))
      #expect(result.files.map(\.bytes) == plain.files.map(\.bytes))
    }
  }

  @Test func aRequestForTheOverviewBeforeItIsRenderedGetsTheEarlyPartNotTheWholeSite() async throws {
    let state = PreviewState()
    let waiting = Task { await state.snapshot(holding: "index.html") }
    try await Task.sleep(for: .milliseconds(50))
    let overview = OutputFile(path: "index.html", bytes: Array("<h1>Overview</h1>".utf8), key: 1)
    state.update { $0.replacing(with: [overview], at: Date(), isPartial: true) }
    let snapshot = await waiting.value
    #expect(!snapshot.isWhole, "answered from the early part, without waiting for the rest")
    #expect(snapshot.files["index.html"] != nil)
    // A page that is not in the early part still waits for the whole site.
    let page = Task { await state.snapshot(holding: "partners/x/index.html") }
    try await Task.sleep(for: .milliseconds(50))
    state.update { $0.replacing(with: [overview], at: Date()) }
    #expect(await page.value.isWhole)
  }

  @Test func aPageAskedForDuringTheFirstBuildIsAnsweredWhenItIsReady() async throws {
    try await withTemporaryFolder { folder in
      // No build before the server starts: the server builds, and a request for a partner's page made
      // at once waits for it instead of getting a 404.
      let preview = try Preview(folder: folder)
      try await preview.server.live { client in
        let page = try await client.execute(uri: "/partners/northwind-digital/", method: .get)
        #expect(page.status == .ok)
        #expect(body(page).contains("Northwind Digital"))
        let home = try await client.execute(uri: "/", method: .get)
        #expect(home.status == .ok)
      }
    }
  }
}

@Suite("Preview server: untrusted content")
struct ServeJailTests {
  @Test func aSymbolicLinkLoopIsAnErrorAndIsNotWalked() throws {
    try withTemporaryFolder { folder in
      let preview = try Preview(folder: folder)
      #expect(preview.server.rebuild())
      for (name, target) in [("a", "."), ("b", ".."), ("c", "../faq")] {
        try FileManager.default.createSymbolicLink(
          atPath: preview.content.appendingPathComponent("faq/\(name)").path, withDestinationPath: target)
      }
      let started = ContinuousClock.now
      #expect(!preview.server.rebuild())
      #expect(started.duration(to: .now) < .seconds(10))
      #expect(preview.log.err.contains("content/faq/a:1:1: error: symbolic link loop"))
      // Removing the links makes the next build good again.
      for name in ["a", "b", "c"] {
        try FileManager.default.removeItem(at: preview.content.appendingPathComponent("faq/\(name)"))
      }
      #expect(preview.server.rebuild())
    }
  }
}

@Suite("Preview server: slow and idle connections", .serialized)
struct ConnectionTimeoutTests {
  @Test func requestsSentSlowlyAreClosedWhileOthersAreServed() async throws {
    try await withTemporaryFolder { folder in
      let preview = try Preview(folder: folder, requestTimeout: .seconds(1))
      preview.server.rebuild()
      try await preview.server.live { client in
        let port = client.port
        // Fifty connections that send a request head a byte at a time, and never finish it.
        let sockets = try (0..<50).map { _ in try connectedSocket(port: port) }
        defer { sockets.forEach { close($0) } }
        let head = Array("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".utf8)
        var closed = Set<Int32>()
        let started = ContinuousClock.now
        for round in 0..<50 where closed.count < sockets.count {
          for socket in sockets where !closed.contains(socket) {
            var byte = head[round % head.count]
            if send(socket, &byte, 1, Int32(MSG_NOSIGNAL)) < 0 { closed.insert(socket) }
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            var buffer = [UInt8](repeating: 0, count: 512)
            if poll(&descriptor, 1, 0) > 0, recv(socket, &buffer, buffer.count, Int32(MSG_DONTWAIT)) <= 0 {
              closed.insert(socket)
            }
          }
          // A new connection each time: the test client's kept-alive one would itself be closed as idle.
          let status = try await offThePool { try statusLine(port: port) }
          #expect(status == "HTTP/1.1 200 OK", "a slow client kept another from being served")
          try await Task.sleep(for: .milliseconds(200))
        }
        #expect(closed.count == sockets.count, "\(sockets.count - closed.count) slow connections still open")
        #expect(started.duration(to: .now) < .seconds(9), "closed only after \(started.duration(to: .now))")
      }
    }
  }

  @Test func theReloadStreamOutlivesTheTimeout() async throws {
    try await withTemporaryFolder { folder in
      let preview = try Preview(folder: folder, requestTimeout: .seconds(1))
      preview.server.rebuild()
      try await preview.server.live { client in
        let events = try EventStreamReader(port: client.port)
        #expect(try await events.read(until: "event: hello", timeout: 10).contains("data: 1"))
        try await Task.sleep(for: .milliseconds(2500))
        let note = "cases/northwind-digital/NW-2026-019.md"
        try preview.write(note, try preview.read(note) + "\nOne more line.\n")
        let received = try? await events.read(until: "event: reload", timeout: 10)
        #expect(received?.contains("event: reload") == true, "log: \(preview.log.err)")
      }
    }
  }
}

@Suite("Preview server: a port in use")
struct PortInUseTests {
  @Test func aBusyPortIsSaidInPlainWordsWithTheWayOut() async throws {
    try await withTemporaryFolder { folder in
      let first = try Preview(folder: folder)
      try await first.server.live { client in
        let port = client.port
        let other = folder.appendingPathComponent("second")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        let second = try Preview(folder: other, port: port)
        await #expect {
          try await second.server.run()
        } throws: { error in
          (error as? PreviewServer.CannotListen)?.description
            == "port \(port) is in use (another server is running there); pass --port 0 to pick a free one, "
            + "or stop the other"
        }
      }
    }
  }
}

/// Polls `condition` every 20 ms for up to `timeout` (30 seconds: a deadline for a failure only, since a
/// condition that holds returns at once; rebuilds on a loaded 2-core machine have taken over 3 s).
func waitUntil(
  _ what: @autoclosure () -> String = "", timeout: Duration = .seconds(30), _ condition: () -> Bool
) async throws {
  let deadline = ContinuousClock.now + timeout
  while !condition() {
    guard ContinuousClock.now < deadline else {
      Issue.record("timed out waiting \(what())")
      return
    }
    try await Task.sleep(for: .milliseconds(20))
  }
}

/// The status line of `GET /` on a new connection.
private func statusLine(port: Int) throws -> String {
  let socket = try connectedSocket(port: port)
  defer { close(socket) }
  let request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
  _ = request.withCString { send(socket, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
  var received: [UInt8] = []
  var buffer = [UInt8](repeating: 0, count: 4096)
  while !received.contains(UInt8(ascii: "\n")) {
    var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
    guard poll(&descriptor, 1, 10_000) > 0 else { break }
    let count = recv(socket, &buffer, buffer.count, 0)
    guard count > 0 else { break }
    received += buffer[..<count]
  }
  return String(decoding: received.prefix { $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\n") }, as: UTF8.self)
}

/// Reads a Server-Sent Events stream over a plain socket, as a browser's EventSource would.
private final class EventStreamReader: @unchecked Sendable {
  private let socket: Int32
  private var received = ""

  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  init(port: Int) throws {
    socket = try connectedSocket(port: port)
    let request = "GET /__accredit/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n"
    _ = request.withCString { send(socket, $0, strlen($0), 0) }
  }

  deinit { close(socket) }

  /// Reads until `marker` has arrived (since the last call), or throws after `timeout` seconds; waits on
  /// a thread of its own (one reader is read by one test at a time).
  func read(until marker: String, timeout: Double) async throws -> String {
    try await offThePool { try self.readBlocking(until: marker, timeout: timeout) }
  }

  private func readBlocking(until marker: String, timeout: Double) throws -> String {
    let deadline = Date().addingTimeInterval(timeout)
    while !received.contains(marker) {
      let remaining = deadline.timeIntervalSinceNow
      guard remaining > 0 else { throw Failure(description: "no '\(marker)' within \(timeout) s; got: \(received)") }
      var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
      guard poll(&descriptor, 1, Int32(remaining * 1000)) > 0 else { continue }
      var buffer = [UInt8](repeating: 0, count: 4096)
      let count = recv(socket, &buffer, buffer.count, 0)
      guard count > 0 else { throw Failure(description: "connection closed; got: \(received)") }
      received += String(decoding: buffer[..<count], as: UTF8.self)
    }
    guard let range = received.range(of: marker) else { return "" }
    let end = received[range.upperBound...].range(of: "\n\n")?.upperBound ?? received.endIndex
    let chunk = String(received[..<end])
    received = String(received[end...])
    return chunk
  }
}
