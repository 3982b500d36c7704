import AccreditContent
import AccreditEngine
@testable import AccreditServe
@testable import AccreditSite
import Foundation
import Synchronization
import Testing

/// A flag set on one thread and read on another.
private final class Flag: Sendable {
  private let value = Mutex(false)
  func set() { value.withLock { $0 = true } }
  var isSet: Bool { value.withLock { $0 } }
}

/// A preview server over `content` with the build cache in `folder/cache`, logging into `log`.
private func server(
  _ content: URL, in folder: URL, log: Captured, asOf: Day? = nil, beforeRender: @escaping @Sendable () -> Void = {}
) -> PreviewServer {
  var options = PreviewServer.Options(
    content: content, contentLabel: "content", templates: nil, templatesLabel: "templates", asOf: asOf, port: 0,
    quietPeriod: .milliseconds(40))
  options.cache = BuildCache(folder: folder.appendingPathComponent("cache"))
  var server = PreviewServer(options: options, log: { log.console.err($0) })
  server.beforeRender = beforeRender
  return server
}

/// Builds once with `server`, and waits for it to write the build cache.
private func fillCache(_ server: PreviewServer) {
  #expect(server.rebuild())
  server.cacheWriter.sync {}
}

/// The start record's file in the build cache of `folder`.
private func startRecord(in folder: URL) throws -> URL {
  let cache = folder.appendingPathComponent("cache")
  let name = try #require(
    try FileManager.default.contentsOfDirectory(atPath: cache.path).first { $0.hasPrefix("serve-") })
  return cache.appendingPathComponent(name)
}

@Suite("Preview server: starting from the build cache")
struct StartFromCacheTests {
  /// The start files recorded in the build cache below `folder` (its `cache` folder) for `request`'s
  /// inputs as they stamp now; nil, with `missing` recorded as an issue, when there are none.
  private func recordedStartFiles(_ request: SiteBuilder.Request, cache folder: URL, missing: Comment) throws
    -> [OutputFile]?
  {
    let stamp = try #require(SiteBuilder.StartStamp(request))
    let lookup = SiteBuilder.startFiles(
      request, stamp: stamp, cache: BuildCache(folder: folder.appendingPathComponent("cache")))
    guard case .found(let files) = lookup else {
      Issue.record(missing)
      return nil
    }
    return files
  }

  @Test func aSecondStartAnswersTheOverviewBeforeItRendersAndAPageWhenItIsReady() async throws {
    try await withTemporaryFolder { folder in
      let content = try agedSampleContent(in: folder)
      fillCache(server(content, in: folder, log: Captured()))
      let clean = try SiteBuilder.render(SiteBuilder.Request(content: content, asOf: nil, today: .todayUTC()))
      let cleanFiles = Dictionary(uniqueKeysWithValues: clean.files.map { ($0.path, $0.bytes) })

      // The second start's render waits until the test lets it go.
      let gate = DispatchSemaphore(value: 0)
      let released = Flag()
      let log = Captured()
      let second = server(content, in: folder, log: log, beforeRender: { gate.wait() })
      try await second.live { client in
        let home = try await client.execute(uri: "/", method: .get)
        #expect(home.status == .ok)
        #expect(!released.isSet, "answered before the render")
        #expect(log.err.contains("Serving the last build's overview from the build cache"))
        let page = Task { () -> (LiveResponse, Bool) in
          let response = try await client.execute(uri: "/partners/northwind-digital/", method: .get)
          return (response, released.isSet)
        }
        let style = try await client.execute(uri: "/assets/style.css", method: .get)
        #expect(style.body == cleanFiles["assets/style.css"])
        try await Task.sleep(for: .milliseconds(100))
        released.set()
        gate.signal()
        let (answer, afterRender) = try await page.value
        #expect(answer.status == .ok)
        #expect(afterRender, "the partner page waited for the render")
        // The overview served from the cache is the one the render makes (with the same reload script).
        let rendered = try await client.execute(uri: "/", method: .get)
        #expect(rendered.body == home.body)
        let served = try await client.execute(uri: "/partners/northwind-digital/", method: .get)
        #expect(served.body == answer.body)
      }
      // The overview as built, without the reload script, is a clean render's.
      let request = SiteBuilder.Request(content: content, asOf: nil, today: .todayUTC())
      guard let files = try recordedStartFiles(request, cache: folder, missing: "no start files recorded") else {
        return
      }
      #expect(!files.isEmpty)
      for file in files { #expect(file.bytes == cleanFiles[file.path], "\(file.path)") }
      #expect(Set(files.map(\.path)).isSuperset(of: ["index.html", "404.html", "assets/style.css"]))
      #expect(!files.contains { $0.path.hasPrefix("partners/") })
    }
  }

  @Test func aDamagedStartRecordIsIgnoredWithAWarningAndNeverServed() throws {
    try withTemporaryFolder { folder in
      let content = try agedSampleContent(in: folder)
      fillCache(server(content, in: folder, log: Captured()))
      let record = try startRecord(in: folder)
      var bytes = try [UInt8](Data(contentsOf: record))
      // A byte of the overview's base64 changed: the checksum no longer matches.
      let middle = bytes.count / 2
      bytes[middle] = bytes[middle] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
      try Data(bytes).write(to: record)
      let log = Captured()
      let second = server(content, in: folder, log: log)
      #expect(second.rebuild())
      #expect(log.err.contains("warning: ignoring the build cache's start record"))
      #expect(log.err.contains("its checksum does not match"))
      #expect(!log.err.contains("Serving the last build's overview"))
      // The whole build records a good one again.
      second.cacheWriter.sync {}
      let third = Captured()
      #expect(server(content, in: folder, log: third).rebuild())
      #expect(third.err.contains("Serving the last build's overview"))
      #expect(!third.err.contains("warning"))
    }
  }

  @Test func aStartRecordHoldsOnlyForTheInputsAndTheDateItWasMadeFrom() throws {
    try withTemporaryFolder { folder in
      let content = try agedSampleContent(in: folder)
      // No as_of in site.yaml: the date is today's.
      let site = content.appendingPathComponent("site.yaml")
      let settings =
        try String(contentsOf: site, encoding: .utf8).split(separator: "\n")
        .filter { !$0.hasPrefix("as_of:") }.joined(separator: "\n") + "\n"
      try Data(settings.utf8).write(to: site)
      try redate(content, to: Date().addingTimeInterval(-3600))
      fillCache(server(content, in: folder, log: Captured()))
      let cache = BuildCache(folder: folder.appendingPathComponent("cache"))
      func lookup(today: Day = .todayUTC(), asOf: Day? = nil) throws -> SiteBuilder.StartLookup {
        let request = SiteBuilder.Request(content: content, asOf: asOf, today: today)
        return SiteBuilder.startFiles(request, stamp: try #require(SiteBuilder.StartStamp(request)), cache: cache)
      }
      guard case .found = try lookup() else {
        Issue.record("the record does not hold for its own inputs")
        return
      }
      // Another day: the overview's date and statuses may differ.
      guard case .none = try lookup(today: Day.todayUTC().adding(days: 1)) else {
        Issue.record("the record held on another day")
        return
      }
      // Another date option: another record, which does not exist.
      guard case .none = try lookup(asOf: Day("2026-01-01")) else {
        Issue.record("the record held for another --as-of")
        return
      }
      // A record edited (and dated back, so that only its stamp tells): the record does not hold.
      let record = content.appendingPathComponent("partners/northwind-digital.yaml")
      let text = try String(contentsOf: record, encoding: .utf8)
      try Data(text.replacingOccurrences(of: "Northwind Digital", with: "Northwind Digital Group").utf8).write(
        to: record)
      try FileManager.default.setAttributes(
        [.modificationDate: Date().addingTimeInterval(-60)], ofItemAtPath: record.path)
      guard case .none = try lookup() else {
        Issue.record("the record held after a content edit")
        return
      }
      // The next start builds, serves no start files, and records them anew for the edited content.
      let log = Captured()
      let next = server(content, in: folder, log: log)
      #expect(next.rebuild())
      #expect(!log.err.contains("Serving the last build's overview"))
      next.cacheWriter.sync {}
      guard case .found(let files) = try lookup() else {
        Issue.record("no record after the build")
        return
      }
      let home = try #require(files.first { $0.path == "index.html" })
      #expect(String(decoding: home.bytes, as: UTF8.self).contains("Northwind Digital Group"))
    }
  }

  @Test func aFileChangedJustBeforeTheStampNeverMatches() throws {
    try withTemporaryFolder { folder in
      // Content copied just now: every file is racily clean, so the record is written smudged and never
      // holds until the files are rebuilt from older stamps.
      let content = folder.appendingPathComponent("content")
      try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("content"), to: content)
      fillCache(server(content, in: folder, log: Captured()))
      let request = SiteBuilder.Request(content: content, asOf: nil, today: .todayUTC())
      let lookup = SiteBuilder.startFiles(
        request, stamp: try #require(SiteBuilder.StartStamp(request)),
        cache: BuildCache(folder: folder.appendingPathComponent("cache")))
      guard case .none = lookup else {
        Issue.record("a racily clean stamp matched")
        return
      }
    }
  }

  @Test func aRecordEditInServeLeavesARecordTheNextStartServes() async throws {
    try await withTemporaryFolder { folder in
      let content = try agedSampleContent(in: folder)
      let log = Captured()
      let first = server(content, in: folder, log: log)
      #expect(first.rebuild())
      try await first.live { _ in
        let before = first.generation
        let record = content.appendingPathComponent("partners/northwind-digital.yaml")
        let text = try String(contentsOf: record, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "name: Northwind Digital", with: "name: Northwind Digital Group").utf8)
          .write(to: record, options: .atomic)
        try await waitUntil { first.generation > before }
        try await waitUntil("for the edit's log line") { log.err.contains("rendered: partner records edited)") }
        // The record is written once the edited file is older than the racy-clock window.
        try await Task.sleep(for: .milliseconds(2600))
        first.cacheWriter.sync {}
      }
      let request = SiteBuilder.Request(content: content, asOf: nil, today: .todayUTC())
      guard let files = try recordedStartFiles(request, cache: folder, missing: "no start record after the edit")
      else { return }
      let clean = try SiteBuilder.render(request)
      let home = try #require(files.first { $0.path == "index.html" })
      #expect(home.bytes == clean.files.first { $0.path == "index.html" }?.bytes)
      #expect(String(decoding: home.bytes, as: UTF8.self).contains("Northwind Digital Group"))
    }
  }

  @Test func anEditedFileIsVouchedForOnlyWhileItStampsAsBeforeTheRenderReadIt() throws {
    try withTemporaryFolder { folder in
      let content = try agedSampleContent(in: folder)
      let request = SiteBuilder.Request(content: content, asOf: nil, today: .todayUTC())
      let stamp = try #require(SiteBuilder.StartStamp(request))
      var record = SiteBuilder.StartRecord(try SiteBuilder.render(request, start: stamp), stamp: stamp)
      let path = "partners/northwind-digital.yaml"
      let file = content.appendingPathComponent(path)
      func change(_ line: String, secondsAgo: Double) throws {
        try Data((try String(contentsOf: file, encoding: .utf8) + line).utf8).write(to: file)
        try FileManager.default.setAttributes(
          [.modificationDate: Date().addingTimeInterval(-secondsAgo)], ofItemAtPath: file.path)
      }
      try change("# edited\n", secondsAgo: 60)
      #expect(!record.isCurrent([path]), "the record's stamp is from before the edit")
      record.stamp = try #require(record.stamp.restamping([path]))
      #expect(record.isCurrent([path]))
      // Changed again after the render read it: no longer vouched for.
      try change("# and again\n", secondsAgo: 30)
      #expect(!record.isCurrent([path]))
      // A file added or removed is not an edit the stamp can follow.
      #expect(record.stamp.restamping(["partners/nobody.yaml"]) == nil)
    }
  }
}
