@testable import AccreditServe
import AccreditSite
import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The preview server under pressure: HTTP/1.0 clients, more connections than it holds, a build that
/// cannot open files, and a process with few file descriptors.
@Suite("Preview server: connections and descriptors", .serialized)
struct ServeLimitsTests {
  @Test func anHTTP10RequestWithoutKeepAliveIsAnsweredAndClosed() async throws {
    try await withTemporaryFolder { folder in
      let preview = try Preview(folder: folder)
      #expect(preview.server.rebuild())
      try await preview.server.live { client in
        let port = client.port
        let started = ContinuousClock.now
        let (head, closed) = try await offThePool {
          try exchange(port: port, "GET /robots.txt HTTP/1.0\r\n\r\n", waitForClose: true)
        }
        #expect(head.hasPrefix("HTTP/1.0 200 OK\r\n"))
        #expect(head.lowercased().contains("\r\nconnection: close"))
        #expect(closed, "the server closed the connection")
        // The request timeout, which used to close it, is 5 s.
        #expect(started.duration(to: .now) < .seconds(4), "closed after \(started.duration(to: .now)), not at once")
      }
    }
  }

  @Test func anHTTP10RequestWithKeepAliveKeepsItsConnection() async throws {
    try await withTemporaryFolder { folder in
      let preview = try Preview(folder: folder)
      #expect(preview.server.rebuild())
      try await preview.server.live { client in
        let port = client.port
        let heads = try await offThePool { () throws -> [String] in
          let socket = try connectedSocket(port: port)
          defer { close(socket) }
          return try (0..<2).map { _ in
            try sendText(socket, "GET /robots.txt HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            return try readResponse(socket)
          }
        }
        #expect(heads.allSatisfy { $0.hasPrefix("HTTP/1.0 200 OK\r\n") }, "\(heads)")
        #expect(heads.allSatisfy { $0.lowercased().contains("\r\nconnection: keep-alive") })
      }
    }
  }

  @Test func connectionsBeyondTheMaximumWaitForOneToClose() async throws {
    try await withTemporaryFolder { folder in
      let preview = try Preview(folder: folder, requestTimeout: .seconds(2), maximumConnections: 4)
      #expect(preview.server.rebuild())
      try await preview.server.live { client in
        let port = client.port
        // Four idle connections take every place; the fifth waits until the request timeout (2 s after the
        // server accepted them, so after `opened`) closes them. Timed from `opened`, not from the fifth's
        // request: on a loaded machine the 300 ms sleep can last a second, which is time the fifth no longer
        // waits.
        let opened = ContinuousClock.now
        let idle = try (0..<4).map { _ in try connectedSocket(port: port) }
        defer { idle.forEach { close($0) } }
        try await Task.sleep(for: .milliseconds(300))
        let (head, _) = try await offThePool {
          try exchange(port: port, "GET /robots.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        }
        let waited = opened.duration(to: .now)
        #expect(head.hasPrefix("HTTP/1.1 200 OK"))
        #expect(
          waited > .milliseconds(1_500),
          "answered \(waited) after the idle connections opened: the fifth connection was not held back")
      }
    }
  }

  @Test func aBuildThatCannotOpenFilesShowsWhyAndIsTriedAgain() async throws {
    try await withTemporaryFolder { folder in
      // The second and third builds fail as a build out of descriptors does: the reader's message for a
      // file it cannot open. (Running out for real in this process would starve the suites running beside.)
      let builds = Atomic<Int>(0)
      let preview = try Preview(folder: folder) { () throws(SiteBuilder.Failure) in
        let build = builds.add(1, ordering: .relaxed).newValue
        if build == 2 || build == 3 {
          throw .io("cannot read content/partners/northwind-digital.yaml: \(String(cString: strerror(EMFILE)))")
        }
      }
      #expect(preview.server.rebuild())
      try await preview.server.live { client in
        let record = "partners/northwind-digital.yaml"
        try preview.write(
          record, try preview.read(record).replacingOccurrences(of: "Northwind Digital", with: "Northwind Data"))
        try await waitUntil("for the failed build", timeout: patience) { preview.server.state.snapshot.problems != nil }
        let failed = try await client.execute(uri: "/partners/northwind-digital/", method: .get).text
        #expect(failed.contains("accredit-overlay") && failed.contains("Too many open files"))
        // No other save: the server tries again, after 250 ms and then 500 ms, and the third try builds.
        try await waitUntil("for the retries; log: \(preview.log.err)", timeout: patience) {
          builds.load(ordering: .relaxed) == 4
        }
        try await waitUntil("for the good build", timeout: patience) { preview.server.state.snapshot.problems == nil }
        let page = try await client.execute(uri: "/partners/northwind-digital/", method: .get).text
        #expect(!page.contains("accredit-overlay") && page.contains("Northwind Data"))
        #expect(preview.log.err.contains("Trying the build again in 250 ms."))
        #expect(preview.log.err.contains("Trying the build again in 500 ms."))
      }
    }
  }

  @Test func aContentErrorIsNotTriedAgain() async throws {
    try await withTemporaryFolder { folder in
      let preview = try Preview(folder: folder)
      #expect(preview.server.rebuild())
      try await preview.server.live { _ in
        let record = "partners/northwind-digital.yaml"
        try preview.write(record, try preview.read(record).replacingOccurrences(of: "tiers:", with: "teir:"))
        try await waitUntil("for the failed build", timeout: patience) { preview.server.state.snapshot.problems != nil }
        let generation = preview.server.generation
        try await Task.sleep(for: .milliseconds(600))
        #expect(preview.server.generation == generation)
        #expect(!preview.log.err.contains("Trying the build again"))
      }
    }
  }
}

/// The `accredit serve` executable in a process of its own, with few file descriptors (`ulimit -n`).
@Suite("Preview server: the executable with few descriptors", .serialized)
struct ServeDescriptorTests {
  /// The `accredit` executable SwiftPM built beside the test bundle.
  private var executable: URL {
    URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
      .appendingPathComponent("accredit")
  }

  /// A running `accredit serve` and its terminal output.
  private struct Served {
    let process: Process
    let log: URL
    let port: Int

    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    /// Stops it with SIGTERM; returns its exit status, or nil when it had already ended.
    func stop() async -> Int32? {
      guard process.isRunning else { return nil }
      kill(process.processIdentifier, SIGTERM)
      let deadline = ContinuousClock.now + .seconds(10)
      while process.isRunning && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
      return process.isRunning ? nil : process.terminationStatus
    }
  }

  /// Starts `accredit serve` over a copy of the sample content after `limits` (shell `ulimit` arguments).
  private func serve(in folder: URL, limits: String) async throws -> Served {
    let content = folder.appendingPathComponent("content")
    try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("content"), to: content)
    let log = folder.appendingPathComponent("serve.log")
    try Data().write(to: log)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    // `exec`, so that the process is the server itself.
    process.arguments = [
      "-c", "ulimit \(limits) && exec \"$0\" serve --content \"$1\" --port 0", executable.path, content.path,
    ]
    var environment = ProcessInfo.processInfo.environment
    environment["SWIFT_BACKTRACE"] = "enable=no"
    process.environment = environment
    process.standardError = try FileHandle(forWritingTo: log)
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    // A minute of this loop's own turns, not of the wall clock: the suites running beside this one keep
    // Swift's cooperative threads (one a core) busy with blocking work, and this task then waits its turn
    // for a minute or more while the server has long been built (seen: built in 0.6 s, read 69 s later).
    for _ in 0..<1_200 where process.isRunning {
      let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
      if text.contains("Built "), let range = text.range(of: "http://127.0.0.1:"),
        let port = Int(text[range.upperBound...].prefix { $0.isNumber })
      {
        return Served(process: process, log: log, port: port)
      }
      try await Task.sleep(for: .milliseconds(50))
    }
    let ending = process.isRunning ? "still running after 1,200 looks" : "exited with \(process.terminationStatus)"
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    throw LiveClient.Failure(
      description: "accredit serve did not start (\(ending)): \((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
  }

  @Test func idleConnectionsAtTheDescriptorLimitDoNotStopTheServer() async throws {
    try #require(FileManager.default.isExecutableFile(atPath: executable.path), "no \(executable.path)")
    try await withTemporaryFolder { folder in
      // 256 descriptors, and more idle connections than that: libdispatch used to stop the process
      // (SIGILL, exit 132) at the next build or sooner.
      let served = try await serve(in: folder, limits: "-n 256")
      let port = served.port
      let idle = try await offThePool { try (0..<300).map { _ in try connectedSocket(port: port) } }
      defer { idle.forEach { close($0) } }
      try await Task.sleep(for: .milliseconds(500))
      let record = folder.appendingPathComponent("content/partners/northwind-digital.yaml")
      let text = try String(contentsOf: record, encoding: .utf8)
      try Data(text.replacingOccurrences(of: "Northwind Digital", with: "Northwind Data").utf8).write(to: record)
      // At least one build after the first: a save can come as two reports, the second building nothing.
      try await waitUntil("for the rebuild; log: \(served.output)", timeout: .seconds(30)) {
        served.output.components(separatedBy: "Built ").count >= 3 || !served.process.isRunning
      }
      // libdispatch looks at its threads once a second: give it two looks.
      try await Task.sleep(for: .seconds(2))
      #expect(served.process.isRunning, "exit \(served.process.terminationStatus); log: \(served.output)")
      guard served.process.isRunning else { return }
      // A new connection waits for a place (idle ones close after 5 s), and is answered from the new build.
      let page = try await LiveClient(port: port).execute(uri: "/partners/northwind-digital/", method: .get)
      #expect(page.status == .ok)
      #expect(page.text.contains("Northwind Data") && !page.text.contains("accredit-overlay"))
      #expect(await served.stop() == 0)
    }
  }

  @Test(.enabled(if: DescriptorLimit.hard > 256))
  func theSoftLimitOnOpenFilesIsRaisedToTheHardLimit() async throws {
    try #require(FileManager.default.isExecutableFile(atPath: executable.path), "no \(executable.path)")
    try await withTemporaryFolder { folder in
      let served = try await serve(in: folder, limits: "-S -n 256")
      let limits = try String(contentsOfFile: "/proc/\(served.process.processIdentifier)/limits", encoding: .utf8)
      let line = limits.split(separator: "\n").first { $0.hasPrefix("Max open files") } ?? ""
      let words = line.split(separator: " ")
      #expect(words.count >= 5 && words[3] == words[4], "\(line)")
      #expect(await served.stop() == 0)
    }
  }
}

/// Sends `request` on a new connection; returns the response head and whether the server closed the
/// connection (within 4.5 seconds, when `waitForClose`).
private func exchange(port: Int, _ request: String, waitForClose: Bool = false) throws -> (String, Bool) {
  let socket = try connectedSocket(port: port)
  defer { close(socket) }
  try sendText(socket, request)
  let head = try readResponse(socket)
  guard waitForClose else { return (head, false) }
  var buffer = [UInt8](repeating: 0, count: 4096)
  let deadline = Date().addingTimeInterval(4.5)
  while deadline.timeIntervalSinceNow > 0 {
    var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
    guard poll(&descriptor, 1, Int32(deadline.timeIntervalSinceNow * 1000) + 1) > 0 else { continue }
    if recv(socket, &buffer, buffer.count, 0) <= 0 { return (head, true) }
  }
  return (head, false)
}

private func sendText(_ socket: Int32, _ text: String) throws {
  let sent = text.withCString { send(socket, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
  guard sent == text.utf8.count else { throw LiveClient.Failure(description: "send") }
}

/// Reads one response with a `Content-Length` body; returns its head.
private func readResponse(_ socket: Int32) throws -> String {
  var received: [UInt8] = []
  var buffer = [UInt8](repeating: 0, count: 4096)
  let separator = Array("\r\n\r\n".utf8)
  while true {
    if let end = received.firstRange(of: separator) {
      let head = String(decoding: received[..<end.lowerBound], as: UTF8.self)
      let length =
        head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
        .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
      if received.count - end.upperBound >= length { return head }
    }
    var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
    guard poll(&descriptor, 1, 10_000) > 0 else { throw LiveClient.Failure(description: "no answer within 10 s") }
    let count = recv(socket, &buffer, buffer.count, 0)
    guard count > 0 else { throw LiveClient.Failure(description: "closed after \(received.count) bytes") }
    received += buffer[..<count]
  }
}
