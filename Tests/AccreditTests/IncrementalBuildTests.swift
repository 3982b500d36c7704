import AccreditContent
import AccreditEngine
import AccreditFixtures
import AccreditSite
import Foundation
import Testing

@Suite("Incremental builds")
struct IncrementalBuildTests {
  private func makeContent(in folder: URL, partners: Int = 12, cases: Int = 5) throws -> URL {
    let content = folder.appendingPathComponent("content")
    try FixtureGenerator(partners: partners, casesPerPartner: cases, seed: 7).generate { path, text in
      let url = content.appendingPathComponent(path)
      try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      try Data(text.utf8).write(to: url)
    }
    return content
  }

  private func build(_ content: URL, into output: URL, clean: Bool = false) throws -> SiteBuilder.Built {
    try SiteBuilder.build(
      .init(content: content, asOf: nil, today: Day("2030-01-01")), into: .init(folder: output, clean: clean))
  }

  @Test func aSequenceOfRandomEditsGivesWhatACleanBuildGives() throws {
    try withTemporaryFolder { folder in
      let content = try makeContent(in: folder)
      let output = folder.appendingPathComponent("public")
      _ = try build(content, into: output)
      var random = SystemRandomNumberGenerator.seeded(42)
      let manager = FileManager.default
      for step in 0..<14 {
        let cases = try manager.subpathsOfDirectory(atPath: content.appendingPathComponent("cases").path)
          .filter { $0.hasSuffix(".md") }.sorted()
        let partners = try manager.contentsOfDirectory(atPath: content.appendingPathComponent("partners").path).sorted()
        let pick = { (items: [String]) in items[Int(random.next() % UInt64(items.count))] }
        switch step % 6 {
        case 0:  // edit a case note
          let url = content.appendingPathComponent("cases/" + pick(cases))
          try (try String(contentsOf: url, encoding: .utf8) + "\nStep \(step): a follow-up call.\n")
            .write(to: url, atomically: false, encoding: .utf8)
        case 1:  // edit a partner record
          let url = content.appendingPathComponent("partners/" + pick(partners))
          let text = try String(contentsOf: url, encoding: .utf8)
          try text.replacingOccurrences(of: "region: ", with: "region: X").write(
            to: url, atomically: false, encoding: .utf8)
        case 2:  // delete a case
          try manager.removeItem(at: content.appendingPathComponent("cases/" + pick(cases)))
        case 3:  // rename a case (a new id)
          let path = pick(cases)
          let renamed = path.replacingOccurrences(of: ".md", with: "-R\(step).md")
          try manager.moveItem(
            at: content.appendingPathComponent("cases/" + path), to: content.appendingPathComponent("cases/" + renamed))
        case 4:  // delete a partner with its cases
          let slug = String(pick(partners).dropLast(".yaml".count))
          try manager.removeItem(at: content.appendingPathComponent("partners/\(slug).yaml"))
          try? manager.removeItem(at: content.appendingPathComponent("cases/\(slug)"))
        default:  // change a FAQ answer
          try "---\nquestion: How often?\norder: 1\n---\nEvery six months (step \(step)).\n"
            .write(to: content.appendingPathComponent("faq/how-often.md"), atomically: false, encoding: .utf8)
        }
        let incremental = try build(content, into: output)
        #expect(!incremental.report.isFull, "step \(step) updated in place")
        let clean = folder.appendingPathComponent("clean-\(step)")
        _ = try build(content, into: clean, clean: true)
        let updated = try filesBelow(output).mapValues(\.bytes)
        let expected = try filesBelow(clean).mapValues(\.bytes)
        #expect(Set(updated.keys) == Set(expected.keys), "step \(step): the same files")
        for (path, bytes) in expected where updated[path] != bytes {
          Issue.record("step \(step): \(path) differs from a clean build")
        }
        try manager.removeItem(at: clean)
      }
    }
  }

  @Test func oneEditedNoteRewritesOnlyTheAffectedPages() throws {
    try withTemporaryFolder { folder in
      let content = try makeContent(in: folder)
      let output = folder.appendingPathComponent("public")
      let first = try build(content, into: output)
      #expect(first.report.isFull)
      let before = try filesBelow(output)
      Thread.sleep(forTimeInterval: 0.05)

      let note = content.appendingPathComponent("cases/partner-00003/P00003-C02.md")
      try (try String(contentsOf: note, encoding: .utf8) + "\nOne more sentence.\n")
        .write(to: note, atomically: false, encoding: .utf8)
      let second = try build(content, into: output)
      let after = try filesBelow(output)
      let rewritten = Set(after.keys.filter { after[$0]?.modified != before[$0]?.modified })
      let allowed: Set<String> = [
        "partners/partner-00003/cases/P00003-C02/index.html", "partners/partner-00003/index.html",
        "partners/partner-00003/marks/index.html", "partners/partner-00003/badge.svg", "api/status.json",
        "index.html", "feed.xml", "sitemap.xml", ".accredit-manifest",
      ]
      #expect(rewritten.isSubset(of: allowed), "\(rewritten.sorted())")
      #expect(rewritten.contains("partners/partner-00003/cases/P00003-C02/index.html"))
      #expect(!rewritten.contains("partners/partner-00004/index.html"))
      #expect(second.report.written < 10)
      #expect(second.report.unchanged > 50)
    }
  }

  @Test func cleanRebuildsEverything() throws {
    try withTemporaryFolder { folder in
      let content = try makeContent(in: folder, partners: 3)
      let output = folder.appendingPathComponent("public")
      _ = try build(content, into: output)
      let again = try build(content, into: output)
      #expect(again.report.written == 0)
      let clean = try build(content, into: output, clean: true)
      #expect(clean.report.isFull)
      #expect(clean.report.written == clean.fileCount)
    }
  }
}

extension SystemRandomNumberGenerator {
  /// A deterministic generator for tests (SplitMix64), so a failing sequence can be replayed.
  static func seeded(_ seed: UInt64) -> SeededGenerator { SeededGenerator(state: seed) }
}

struct SeededGenerator: RandomNumberGenerator {
  var state: UInt64

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

@Suite("Incremental renders in memory (accredit serve)")
struct InMemoryIncrementalTests {
  @Test func reusedFilesAndCachedParsesGiveWhatAFullRenderGives() throws {
    try withTemporaryFolder { folder in
      let content = folder.appendingPathComponent("content")
      try FixtureGenerator(partners: 8, casesPerPartner: 5, seed: 3).generate { path, text in
        let url = content.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
      }
      let request = SiteBuilder.Request(content: content, asOf: nil, today: Day("2030-01-01"))
      let cache = ParseCache()
      var previous = try SiteBuilder.render(request, cache: cache).files
      let edits: [(String, (String) -> String)] = [
        ("cases/partner-00002/P00002-C03.md", { $0 + "\nA new paragraph.\n" }),
        ("partners/partner-00005.yaml", { $0.replacingOccurrences(of: "region: ", with: "region: Far ") }),
        ("cases/partner-00007/P00007-C01.md", { $0.replacingOccurrences(of: "customer: ", with: "customer: New ") }),
      ]
      for (path, edit) in edits {
        let url = content.appendingPathComponent(path)
        try edit(try String(contentsOf: url, encoding: .utf8)).write(to: url, atomically: false, encoding: .utf8)
        let reused = Dictionary(uniqueKeysWithValues: previous.map { ($0.path, (key: $0.key, bytes: $0.bytes)) })
        let incremental = try SiteBuilder.render(request, previous: reused, cache: cache).files
        let full = try SiteBuilder.render(request).files
        #expect(incremental.map(\.path) == full.map(\.path))
        for (a, b) in zip(incremental, full) where a.bytes != b.bytes {
          Issue.record("after editing \(path): \(a.path) differs from a full render")
        }
        #expect(incremental.contains { $0.isReused }, "unchanged pages are reused")
        #expect(incremental.count { !$0.isReused } < full.count / 2)
        previous = incremental
      }
    }
  }
}

@Suite("Generated fixtures and parallel rendering")
struct FixtureAndParallelTests {
  @Test func aGeneratedTreePassesCheckAndShowsEveryStatus() throws {
    var files: [ContentFile] = []
    FixtureGenerator(partners: 20, casesPerPartner: 6, seed: 11).generate { path, text in
      files.append(ContentFile(path: path, text: text))
    }
    let loaded = ContentLoader.load(files)
    #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.prefix(3))")
    #expect(loaded.content.partners.count == 20)
    #expect(loaded.content.cases.count == 120)
    let evaluations = Evaluator(standards: loaded.content.standards)
      .evaluate(
        loaded.content.partners, cases: loaded.content.cases, asOf: loaded.content.site.asOf ?? Day("2026-11-15"))
    let statuses = Set(evaluations.flatMap(\.accreditations).map(\.status))
    #expect(statuses == Set(AccreditationStatus.allCases))
  }

  @Test func theSameSeedGivesTheSameTree() {
    var first: [String] = []
    var second: [String] = []
    FixtureGenerator(partners: 5, casesPerPartner: 5, seed: 9).generate { first.append($0 + $1) }
    FixtureGenerator(partners: 5, casesPerPartner: 5, seed: 9).generate { second.append($0 + $1) }
    #expect(first == second)
    let notes = first.filter { $0.hasPrefix("cases/") }.map { $0.utf8.count }
    #expect(notes.allSatisfy { (1_024...3_600).contains($0) }, "1–3 KB notes")
  }

  @Test func parallelRenderingGivesWhatASerialRenderGives() throws {
    var files: [ContentFile] = []
    FixtureGenerator(partners: 10, casesPerPartner: 5, seed: 5).generate {
      files.append(ContentFile(path: $0, text: $1))
    }
    let renderer = SiteBuilder.renderer(
      for: ContentLoader.load(files).content, asOf: Day("2026-11-15"), contentName: "content",
      templates: try TemplateSet.builtIn())
    let parallel = try renderer.render()
    let serial = try renderer.jobs().map { ($0.path, try $0.render()) }
    #expect(parallel.map(\.path) == serial.map(\.0))
    #expect(parallel.map(\.bytes) == serial.map(\.1))
  }
}
