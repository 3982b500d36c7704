import AccreditContent
import AccreditEngine
import AccreditMarkdown
import AccreditFixtures
import AccreditSite
import AccreditCLI
import Foundation
import Testing

@Suite("Incremental builds")
struct IncrementalBuildTests {
  private func makeContent(in folder: URL, partners: Int = 12, cases: Int = 5) throws -> URL {
    try generatedContent(in: folder, partners: partners, cases: cases, seed: 7)
  }

  /// Issue 22: every kind of edit, through the command's path and the preview server's, each step
  /// compared byte for byte with a clean build.
  @Test func aSequenceOfRandomEditsGivesWhatACleanBuildGives() throws {
    try withTemporaryFolder { folder in
      let content = try makeContent(in: folder)
      let output = folder.appendingPathComponent("public")
      // The build cache takes part: files are dated in the past, each edited file a second later than the
      // last edit, so that its stamps are not "racy" and an unchanged file keeps its stamp.
      let cache = BuildCache(folder: folder.appendingPathComponent("cache"))
      // A templates folder laid over the built-in templates, changed by some steps.
      let templates = folder.appendingPathComponent("templates")
      try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
      let caseTemplate = try #require(TemplateSet.builtInFiles.first { $0.path == "case.mustache" }).text
      var clock = Date().addingTimeInterval(-3600)
      try redate(content, to: clock)
      _ = try build(content, templates: templates, into: output, cache: cache)
      // The preview server's path beside the command's: each step's change set (as polling finds it, from
      // the folders' files before and after) goes to the planner, and the site in memory is patched.
      let request = SiteBuilder.Request(content: content, templates: templates, asOf: nil, today: Day("2030-01-01"))
      let first = try SiteBuilder.render(request)
      var baseline = first.baseline
      var served = Dictionary(uniqueKeysWithValues: first.files.map { ($0.path, (key: $0.key, bytes: $0.bytes)) })
      func scan() throws -> [String: Data] {
        var files: [String: Data] = [:]
        for root in [content, templates] {
          for (path, file) in try filesBelow(root) { files[root.path + "/" + path] = file.bytes }
        }
        return files
      }
      var scanned = try scan()
      var random = SystemRandomNumberGenerator.seeded(42)
      let manager = FileManager.default
      // The preview server's fast paths the steps took, by the patch's summary.
      var fastPaths: Set<String> = []
      for step in 0..<44 {
        let editing = Date().addingTimeInterval(-1)
        let cases = try manager.subpathsOfDirectory(atPath: content.appendingPathComponent("cases").path)
          .filter { $0.hasSuffix(".md") }.sorted()
        let partners = try manager.contentsOfDirectory(atPath: content.appendingPathComponent("partners").path).sorted()
        let pick = { (items: [String]) in items[Int(random.next() % UInt64(items.count))] }
        func addNote(to path: String) throws {
          let url = content.appendingPathComponent("cases/" + path)
          try (try String(contentsOf: url, encoding: .utf8) + "\nStep \(step): a follow-up call.\n")
            .write(to: url, atomically: false, encoding: .utf8)
        }
        switch step % 11 {
        case 0:  // edit a case note
          try addNote(to: pick(cases))
        case 8:  // edit the notes of two cases
          try addNote(to: pick(cases))
          try addNote(to: pick(cases))
        case 7:  // edit a case's front matter and another case's notes
          let url = content.appendingPathComponent("cases/" + pick(cases))
          let text = try String(contentsOf: url, encoding: .utf8)
          try text.replacingOccurrences(of: "customer: ", with: "customer: Renamed ").write(
            to: url, atomically: false, encoding: .utf8)
          try addNote(to: pick(cases))
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
        case 5 where step % 22 == 5:  // add, then change, a FAQ answer
          try "---\nquestion: How often?\norder: 1\n---\nEvery six months (step \(step)).\n"
            .write(to: content.appendingPathComponent("faq/how-often.md"), atomically: false, encoding: .utf8)
        case 5:  // add, then change, a free page's body
          try manager.createDirectory(at: content.appendingPathComponent("pages"), withIntermediateDirectories: true)
          try "---\ntitle: About\n---\nWho we are (step \(step)).\n"
            .write(to: content.appendingPathComponent("pages/about.md"), atomically: false, encoding: .utf8)
        case 6:  // change the evaluation date
          let url = content.appendingPathComponent("site.yaml")
          let text = try String(contentsOf: url, encoding: .utf8)
          let date = Day("2026-11-15").adding(days: step)
          try
            (text.split(separator: "\n").filter { !$0.hasPrefix("as_of:") }.joined(separator: "\n")
            + "\nas_of: \(date.iso)\n").write(to: url, atomically: false, encoding: .utf8)
        case 10:  // change a template
          try caseTemplate.replacingOccurrences(
            of: "<h1 data-pagefind-meta=\"title\">Case {{id}}", with: "<h1>Case \(step): {{id}}"
          )
          .write(to: templates.appendingPathComponent("case.mustache"), atomically: false, encoding: .utf8)
        default:  // nothing at all: the cache answers
          break
        }
        clock += 1
        try redate(content, to: clock, changedAfter: editing)
        try redate(templates, to: clock, changedAfter: editing)
        let incremental = try build(content, templates: templates, into: output, cache: cache)
        #expect(!incremental.report.isFull, "step \(step) updated in place")
        #expect(incremental.isUpToDate == (step % 11 == 9), "step \(step): the cache answers only when nothing changed")
        #expect(
          incremental.isNoteEdit == [0, 8].contains(step % 11),
          "step \(step): notes edited alone take the short way, and nothing else does")
        let clean = folder.appendingPathComponent("clean-\(step)")
        _ = try build(content, templates: templates, into: clean, clean: true)
        let updated = try filesBelow(output).mapValues(\.bytes)
        let expected = try filesBelow(clean).mapValues(\.bytes)
        #expect(Set(updated.keys) == Set(expected.keys), "step \(step): the same files")
        // After a record edit that planned its partners' files and the lists alone, the manifest keeps the
        // other files under the keys of the build that made their bytes: the same files and hashes.
        let manifest = ".accredit-manifest"
        for (path, bytes) in expected where updated[path] != bytes && (path != manifest || !incremental.isRecordEdit) {
          Issue.record("step \(step): \(path) differs from a clean build")
        }
        if incremental.isRecordEdit {
          #expect(
            try manifestHashes(output) == manifestHashes(clean), "step \(step): the manifest's files and hashes")
        }
        try manager.removeItem(at: clean)

        let now = try scan()
        let changes = ChangeSet.between(scanned, now, content: content, templates: templates)
        scanned = now
        if let patch = try SiteBuilder.renderChanges(request, changes: changes, since: baseline) {
          for path in patch.removed { served[path] = nil }
          for file in patch.files { served[file.path] = (file.key, file.bytes) }
          baseline = patch.baseline
          fastPaths.insert(patch.summary)
        } else {
          let whole = try SiteBuilder.render(request, previous: served)
          served = Dictionary(uniqueKeysWithValues: whole.files.map { ($0.path, (key: $0.key, bytes: $0.bytes)) })
          baseline = whole.baseline
        }
        let published = expected.filter { $0.key != ".accredit-manifest" }
        #expect(Set(served.keys) == Set(published.keys), "step \(step): serve has the same files")
        for (path, bytes) in published where served[path].map({ Data($0.bytes) }) != bytes {
          Issue.record("step \(step): \(path) in serve differs from a clean build")
        }
      }
      #expect(
        fastPaths.isSuperset(of: [
          "case notes edited", "case files edited", "files added or removed", "partner records edited",
          "FAQ or pages edited", "templates edited",
        ]), "\(fastPaths.sorted())")
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

  /// Issue 22: a template edit renders the files rendered with that template, through its partials and
  /// parents, and no other: the stage stepper is a partial of the case and partner pages alone.
  @Test func aPartialEditedRewritesOnlyThePagesThatUseIt() throws {
    try withTemporaryFolder { folder in
      let content = try makeContent(in: folder, partners: 4)
      let templates = folder.appendingPathComponent("templates")
      try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
      let stepper = try #require(TemplateSet.builtInFiles.first { $0.path == "stage-stepper.mustache" }).text
      let partial = templates.appendingPathComponent("stage-stepper.mustache")
      try stepper.write(to: partial, atomically: false, encoding: .utf8)
      let output = folder.appendingPathComponent("public")
      _ = try build(content, templates: templates, into: output)
      let before = try filesBelow(output)
      let manifest = try manifestKeys(output)
      Thread.sleep(forTimeInterval: 0.05)

      try (stepper + "<!-- edited -->\n").write(to: partial, atomically: false, encoding: .utf8)
      let edited = try build(content, templates: templates, into: output)
      let after = try filesBelow(output)
      let rewritten = Set(
        after.keys.filter { after[$0]?.modified != before[$0]?.modified && $0 != ".accredit-manifest" })
      let users = Set(
        after.keys.filter {
          $0.hasPrefix("partners/") && $0.hasSuffix("/index.html") && !$0.hasSuffix("/marks/index.html")
            && !$0.hasPrefix("partners/page/")
        })
      #expect(users.contains { $0.contains("/cases/") } && users.contains { !$0.contains("/cases/") })
      // Their keys alone changed (the manifest's lines are `key hash path`); those whose bytes changed were
      // written: every case page (each shows the stepper) and the partner pages that show one.
      #expect(Set(try manifestKeys(output).filter { manifest[$0.key] != $0.value }.keys) == users)
      #expect(rewritten.isSubset(of: users) && users.filter { $0.contains("/cases/") }.isSubset(of: rewritten))
      #expect(edited.report.written == rewritten.count)

      let clean = folder.appendingPathComponent("clean")
      _ = try build(content, templates: templates, into: clean, clean: true)
      let expected = try filesBelow(clean).mapValues(\.bytes)
      #expect(try filesBelow(output).mapValues(\.bytes).filter { expected[$0.key] != $0.value }.keys.sorted() == [])
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

/// Builds `content` into `output` as of 2030-01-01 (unless `site.yaml` sets a date), with the build cache
/// `cache` if any; `warnings` receives what the cache warns about.
/// Each output file's key, from the output folder's manifest (lines of `key hash path`).
/// Each file's hash in the manifest of `output`, by path.
private func manifestHashes(_ output: URL) throws -> [String: Substring] {
  let text = try String(contentsOf: output.appendingPathComponent(".accredit-manifest"), encoding: .utf8)
  var hashes: [String: Substring] = [:]
  for line in text.split(separator: "\n").dropFirst() {
    let fields = line.split(separator: " ", maxSplits: 2)
    if fields.count == 3 { hashes[String(fields[2])] = fields[1] }
  }
  return hashes
}

private func manifestKeys(_ output: URL) throws -> [String: Substring] {
  let text = try String(contentsOf: output.appendingPathComponent(".accredit-manifest"), encoding: .utf8)
  return Dictionary(
    text.split(separator: "\n").compactMap { line in
      let fields = line.split(separator: " ", maxSplits: 2)
      return fields.count == 3 ? (String(fields[2]), fields[0]) : nil
    }, uniquingKeysWith: { first, _ in first })
}

private func build(
  _ content: URL, templates: URL? = nil, into output: URL, cache: BuildCache? = nil, clean: Bool = false,
  warnings: Captured? = nil
) throws -> SiteBuilder.Built {
  var options = SiteBuilder.Output(folder: output, clean: clean)
  options.cache = cache
  if let warnings { options.onCacheWarning = { warnings.console.err($0 + "\n") } }
  return try SiteBuilder.build(
    .init(content: content, templates: templates, asOf: nil, today: Day("2030-01-01")), into: options)
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
      let content = try generatedContent(in: folder, partners: 8, cases: 5, seed: 3)
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

  /// Pages are keyed by what they show: a note's text is on its case page alone; a step is on the case
  /// page, the partner's pages and the site-wide ones; a record on the partner's pages and the site-wide ones.
  @Test func anEditRendersOnlyThePagesThatShowWhatChanged() throws {
    try withTemporaryFolder { folder in
      let content = try generatedContent(in: folder, partners: 6, cases: 3, seed: 3)
      let request = SiteBuilder.Request(content: content, asOf: nil, today: Day("2030-01-01"))
      var previous = try SiteBuilder.render(request).files
      func rendered(after path: String, _ edit: (String) -> String) throws -> Set<String> {
        let url = content.appendingPathComponent(path)
        try edit(try String(contentsOf: url, encoding: .utf8)).write(to: url, atomically: false, encoding: .utf8)
        let reused = Dictionary(uniqueKeysWithValues: previous.map { ($0.path, (key: $0.key, bytes: $0.bytes)) })
        previous = try SiteBuilder.render(request, previous: reused).files
        return Set(previous.filter { !$0.isReused }.map(\.path))
      }
      let note = try #require(
        try FileManager.default.subpathsOfDirectory(atPath: content.path + "/cases/partner-00002").sorted().first)
      let casePage = "partners/partner-00002/cases/\(note.dropLast(3))/index.html"
      #expect(try rendered(after: "cases/partner-00002/\(note)") { $0 + "\nOne more paragraph.\n" } == [casePage])

      let customer = try rendered(after: "cases/partner-00002/\(note)") {
        $0.replacingOccurrences(of: "customer: ", with: "customer: Renamed ")
      }
      #expect(customer.isSuperset(of: [casePage, "partners/partner-00002/index.html", "api/status.json"]))
      #expect(!customer.contains("partners/partner-00003/index.html"))
      #expect(!customer.contains { $0.contains("/cases/") && $0 != casePage })

      let faq = try FileManager.default.contentsOfDirectory(atPath: content.path + "/faq").sorted()
      if let entry = faq.first {
        #expect(try rendered(after: "faq/\(entry)") { $0 + "\nMore.\n" } == ["faq/index.html"])
      }
    }
  }
  /// Issue 23: a record edit renders that partner's pages and feed (its status history) and the program's
  /// history, not the other partners' pages or feeds; a note edit still renders its case page alone.
  @Test func aRecordEditRendersThatPartnersHistoryAndTheProgramsNotEveryPartners() throws {
    try withTemporaryFolder { folder in
      let content = try generatedContent(in: folder, partners: 6, cases: 3, seed: 5)
      let request = SiteBuilder.Request(content: content, asOf: nil, today: Day("2030-01-01"))
      var previous = try SiteBuilder.render(request).files
      #expect(previous.contains { $0.path == "history/index.html" })
      #expect(previous.contains { $0.path == "partners/partner-00003/feed.xml" })
      func rendered(after path: String, _ edit: (String) -> String) throws -> Set<String> {
        let url = content.appendingPathComponent(path)
        try edit(try String(contentsOf: url, encoding: .utf8)).write(to: url, atomically: false, encoding: .utf8)
        let reused = Dictionary(uniqueKeysWithValues: previous.map { ($0.path, (key: $0.key, bytes: $0.bytes)) })
        previous = try SiteBuilder.render(request, previous: reused).files
        return Set(previous.filter { !$0.isReused }.map(\.path))
      }
      let record = try rendered(after: "partners/partner-00002.yaml") {
        $0.replacingOccurrences(of: "name: Partner", with: "name: Renamed Partner")
      }
      #expect(
        record.isSuperset(of: [
          "partners/partner-00002/index.html", "partners/partner-00002/feed.xml", "history/index.html",
          "api/history.json", "api/status.json", "feed.xml", "index.html",
        ]))
      #expect(!record.contains { $0.hasPrefix("partners/partner-00003/") })
      // A comment changes the record's bytes and nothing any evaluation reads: the partner's own files (keyed
      // by its bytes) and the lists, not the files made from every evaluation alone (`KeyRule.evaluated`).
      let comment = try rendered(after: "partners/partner-00002.yaml") { $0 + "\n# reviewed again\n" }
      #expect(comment.contains("partners/partner-00002/index.html") && comment.contains("api/partners.json"))
      #expect(comment.isDisjoint(with: ["history/index.html", "api/history.json", "api/status.json", "feed.xml"]))

      let note = try #require(
        try FileManager.default.subpathsOfDirectory(atPath: content.path + "/cases/partner-00002").sorted().first)
      let casePage = "partners/partner-00002/cases/\(note.dropLast(3))/index.html"
      #expect(try rendered(after: "cases/partner-00002/\(note)") { $0 + "\nOne more paragraph.\n" } == [casePage])
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

@Suite("The build cache is never trusted blindly")
struct BuildCacheTests {
  private func record(in cache: BuildCache) throws -> URL {
    let names = try FileManager.default.contentsOfDirectory(atPath: cache.folder.path).filter {
      $0.hasPrefix("build-") && !$0.hasSuffix("-heads") && !$0.hasSuffix("-files")
    }
    #expect(names.count == 1)
    return cache.folder.appendingPathComponent(try #require(names.first))
  }

  @Test(arguments: ["truncated", "garbage", "another version", "hand-edited", "empty"])
  func aDamagedRecordIsIgnoredWithOneWarningAndRebuilt(damage: String) throws {
    try withTemporaryFolder { folder in
      let content = try agedSampleContent(in: folder)
      let output = folder.appendingPathComponent("public")
      let cache = BuildCache(folder: folder.appendingPathComponent("cache"))
      _ = try build(content, into: output, cache: cache)
      #expect(try build(content, into: output, cache: cache).isUpToDate)

      // A damaged record, and a change it would hide if it were trusted: a removed page.
      let url = try record(in: cache)
      let text = try String(contentsOf: url, encoding: .utf8)
      let damaged: String =
        switch damage {
        case "truncated": String(text.prefix(text.count / 2))
        case "garbage": "\u{0}\u{1}not a record at all"
        case "another version": text.replacingOccurrences(of: "accredit-cache 1", with: "accredit-cache 99")
        case "hand-edited": text.replacingOccurrences(of: "result ", with: "result 1")
        default: ""
        }
      try Data(damaged.utf8).write(to: url)
      try FileManager.default.removeItem(at: output.appendingPathComponent("faq/index.html"))

      let warnings = Captured()
      let rebuilt = try build(content, into: output, cache: cache, warnings: warnings)
      #expect(!rebuilt.isUpToDate)
      #expect(warnings.err.split(separator: "\n").count == 1, "\(warnings.err)")
      #expect(warnings.err.contains("ignoring the build cache's record"))
      let clean = folder.appendingPathComponent("clean")
      _ = try build(
        content, into: clean, cache: BuildCache(folder: folder.appendingPathComponent("other")), clean: true)
      let expected = try filesBelow(clean).mapValues(\.bytes)
      let actual = try filesBelow(output).mapValues(\.bytes)
      #expect(Set(actual.keys) == Set(expected.keys))
      for (path, bytes) in expected where actual[path] != bytes { Issue.record("\(path) differs from a clean build") }
      #expect(try build(content, into: output, cache: cache).isUpToDate, "the record was rebuilt")
    }
  }

  /// The files beside a record (each case's front-matter hash, a line per input file) are read by a note
  /// edit alone; one that is not the record's is not used.
  @Test(arguments: ["-heads", "-files"])
  func aFileBesideTheRecordThatIsNotItsTakesTheWholeBuild(suffix: String) throws {
    try withTemporaryFolder { folder in
      let content = try agedSampleContent(in: folder)
      let output = folder.appendingPathComponent("public")
      let cache = BuildCache(folder: folder.appendingPathComponent("cache"))
      _ = try build(content, into: output, cache: cache)
      let heads = URL(fileURLWithPath: try record(in: cache).path + suffix)
      try (try String(contentsOf: heads, encoding: .utf8)).replacingOccurrences(of: "id ", with: "id 0").write(
        to: heads, atomically: false, encoding: .utf8)
      let note = content.appendingPathComponent("cases/northwind-digital/NW-2026-019.md")
      try (try String(contentsOf: note, encoding: .utf8) + "\nA call.\n").write(
        to: note, atomically: false, encoding: .utf8)
      let rebuilt = try build(content, into: output, cache: cache)
      #expect(!rebuilt.isNoteEdit && !rebuilt.isUpToDate && rebuilt.report.written == 1)
      let clean = folder.appendingPathComponent("clean")
      _ = try build(content, into: clean, cache: BuildCache(folder: folder.appendingPathComponent("c2")), clean: true)
      #expect(try filesBelow(output).mapValues(\.bytes) == filesBelow(clean).mapValues(\.bytes))
    }
  }

  @Test func cleanIgnoresTheRecordAndAChangedOutputFolderIsNoticed() throws {
    try withTemporaryFolder { folder in
      let content = try agedSampleContent(in: folder)
      let output = folder.appendingPathComponent("public")
      let cache = BuildCache(folder: folder.appendingPathComponent("cache"))
      _ = try build(content, into: output, cache: cache)
      let clean = try build(content, into: output, cache: cache, clean: true)
      #expect(!clean.isUpToDate && clean.report.isFull)
      #expect(try build(content, into: output, cache: cache).isUpToDate)
      // Another build into the folder (or a hand-made change to its manifest) makes the record stale.
      try FileManager.default.removeItem(at: output.appendingPathComponent(SiteWriter.manifestName))
      #expect(!(try build(content, into: output, cache: cache)).isUpToDate)
    }
  }

  @Test func aFileChangedWithinTheLastSecondsIsLookedAtAgain() throws {
    try withTemporaryFolder { folder in
      let content = try agedSampleContent(in: folder)
      let note = content.appendingPathComponent("cases/northwind-digital/NW-2026-019.md")
      let output = folder.appendingPathComponent("public")
      let cache = BuildCache(folder: folder.appendingPathComponent("cache"))
      _ = try build(content, into: output, cache: cache)
      try (try String(contentsOf: note, encoding: .utf8) + "\nJust now.\n").write(
        to: note, atomically: false, encoding: .utf8)
      let edited = try build(content, into: output, cache: cache)
      #expect(edited.isNoteEdit && edited.report.written == 1)
      // A save within the same clock tick could change the note again without changing its stamp: the
      // note is read again, and its page is the same.
      let again = try build(content, into: output, cache: cache)
      #expect(!again.isUpToDate && again.isNoteEdit && again.report.written == 0)
    }
  }

  @Test func aNoteEditedAloneWritesItsPageAndTheSiteEqualsACleanBuild() throws {
    try withTemporaryFolder { folder in
      let content = try agedSampleContent(in: folder)
      let output = folder.appendingPathComponent("public")
      let cache = BuildCache(folder: folder.appendingPathComponent("cache"))
      _ = try build(content, into: output, cache: cache)
      let before = try filesBelow(output)
      let note = content.appendingPathComponent("cases/northwind-digital/NW-2026-019.md")
      try (try String(contentsOf: note, encoding: .utf8) + "\nA **follow-up** call.\n").write(
        to: note, atomically: false, encoding: .utf8)
      try redate(content, to: Date().addingTimeInterval(-10), changedAfter: Date().addingTimeInterval(-5))
      let edited = try build(content, into: output, cache: cache)
      #expect(edited.isNoteEdit && !edited.isUpToDate)
      #expect(edited.report.written == 1 && edited.report.unchanged == edited.fileCount - 1)
      let after = try filesBelow(output)
      let rewritten = after.keys.filter { after[$0]?.bytes != before[$0]?.bytes }.sorted()
      #expect(rewritten == [".accredit-manifest", "partners/northwind-digital/cases/NW-2026-019/index.html"])
      let page = try #require(after["partners/northwind-digital/cases/NW-2026-019/index.html"]).bytes
      #expect(String(decoding: page, as: UTF8.self).contains("<strong>follow-up</strong>"))
      // The record is rewritten: nothing changed since.
      #expect(try build(content, into: output, cache: cache).isUpToDate)
      let clean = folder.appendingPathComponent("clean")
      _ = try build(content, into: clean, cache: BuildCache(folder: folder.appendingPathComponent("c2")), clean: true)
      #expect(try filesBelow(output).mapValues(\.bytes) == filesBelow(clean).mapValues(\.bytes))

      // A changed front matter is a data edit: the whole site is planned again.
      let text = try String(contentsOf: note, encoding: .utf8)
      try text.replacingOccurrences(of: "Pinecrest Realty\"", with: "Pinecrest Realty Group\"").write(
        to: note, atomically: false, encoding: .utf8)
      try redate(content, to: Date().addingTimeInterval(-4), changedAfter: Date().addingTimeInterval(-3))
      let data = try build(content, into: output, cache: cache)
      #expect(!data.isNoteEdit && !data.isUpToDate && data.report.written > 1)
    }
  }
}

@Suite("check answers from the build cache only while nothing changed")
struct CheckCacheTests {
  @Test func aRecordedCheckIsReplayedAndAnEditIsCheckedAgain() throws {
    try withTemporaryFolder { folder in
      let content = try agedSampleContent(in: folder)
      let arguments = ["check", "--content", content.path, "--cache", folder.appendingPathComponent("cache").path]
      func check() throws -> (code: Int32, out: String, err: String) {
        let captured = Captured()
        let command = try #require(try Accredit.parseAsRoot(arguments) as? Check)
        return (Commands.check(command, console: captured.console), captured.out, captured.err)
      }
      let first = try check()
      #expect(first.code == 0)
      let second = try check()
      #expect(second.code == first.code && second.out == first.out && second.err == first.err)
      #expect(
        try FileManager.default.contentsOfDirectory(atPath: folder.path + "/cache").contains { $0.hasPrefix("check-") })

      // An error written since, dated a minute ago: a new stamp, so a new check.
      let record = content.appendingPathComponent("partners/northwind-digital.yaml")
      try (try String(contentsOf: record, encoding: .utf8) + "teir: gold\n").write(
        to: record, atomically: false, encoding: .utf8)
      try FileManager.default.setAttributes(
        [.modificationDate: Date().addingTimeInterval(-60)], ofItemAtPath: record.path)
      let third = try check()
      #expect(third.code == 1)
      #expect(third.err.contains("unknown key 'teir'"))
      #expect(try check().err == third.err, "the failing check is replayed too")
    }
  }
}

@Suite("The parse cache keeps parsed files between builds")
struct ParseCacheTests {
  /// Sample content with a warning inside a partner record (a tier review outside the review months),
  /// so that cached diagnostics are compared too.
  private func content(in folder: URL) throws -> URL {
    let content = try agedSampleContent(in: folder)
    let record = content.appendingPathComponent("partners/northwind-digital.yaml")
    try (try String(contentsOf: record, encoding: .utf8)).replacingOccurrences(
      of: "reviewed: 2025-06-27", with: "reviewed: 2025-07-27"
    ).write(to: record, atomically: false, encoding: .utf8)
    try redate(content, to: Date().addingTimeInterval(-3600))
    return content
  }

  private func site(_ loaded: ContentLoader.Result) throws -> [String: [UInt8]] {
    let renderer = SiteBuilder.renderer(
      for: loaded.content, asOf: Day("2026-11-15"), contentName: "content", templates: try TemplateSet.builtIn())
    return Dictionary(try renderer.render().map { ($0.path, $0.bytes) }, uniquingKeysWith: { first, _ in first })
  }

  @Test func aCacheSavedAndLoadedAgainGivesWhatParsingGives() throws {
    try withTemporaryFolder { folder in
      let content = try content(in: folder)
      let file = folder.appendingPathComponent("parse-cache")
      let parsed = try ContentFolder.load(content)
      #expect(parsed.diagnostics.contains { $0.message.contains("outside the tier review months") })
      let first = ParseCache()
      _ = try ContentFolder.load(content, cache: first)
      first.save(to: file, identity: "test")

      let (reloaded, warning) = ParseCache.load(from: file, identity: "test")
      #expect(warning == nil)
      let cached = try ContentFolder.load(content, cache: reloaded)
      #expect(cached.diagnostics == parsed.diagnostics)
      #expect(cached.content.caseHeads == parsed.content.caseHeads && !parsed.content.caseHeads.isEmpty)
      #expect(cached.content.inputHashes == parsed.content.inputHashes)
      #expect(try site(cached) == site(parsed))
      // The file named by a diagnostic is there for its source line, though the cache answered for it.
      #expect(cached.content.sources["partners/northwind-digital.yaml"] != nil)
      #expect(cached.content.sources["partners/contoso-consulting.yaml"] == nil, "an unchanged file is not read")

      // Another build of accredit parses everything again, without a warning.
      let other = ParseCache.load(from: file, identity: "another build")
      #expect(other.warning == nil)
      #expect(try ContentFolder.load(content, cache: other.cache).content.sources.count == parsed.content.sources.count)
    }
  }

  /// The cache's encoding holds every field of the model: what it gives back equals what parsing gives,
  /// field by field (the model's `==` is synthesized, so a field added to the model and forgotten by the
  /// cache fails here). The build's keys are taken from the same encoding (`EscalationCase.dataHash`).
  @Test(arguments: ["sample", "generated"])
  func aCacheRoundTripGivesTheParsedModelFieldByField(source: String) throws {
    try withTemporaryFolder { folder in
      let content =
        source == "sample"
        ? try content(in: folder) : try generatedContent(in: folder, partners: 12, cases: 4, seed: 3)
      try redate(content, to: Date().addingTimeInterval(-3600))
      let file = folder.appendingPathComponent("parse-cache")
      let parsed = try ContentFolder.load(content).content
      let first = ParseCache()
      _ = try ContentFolder.load(content, cache: first)
      first.save(to: file, identity: "test")
      let cached = try ContentFolder.load(content, cache: ParseCache.load(from: file, identity: "test").cache).content
      #expect(cached.sources.count < parsed.sources.count, "the cache answered")
      #expect(firstDifference(cached.partners, parsed.partners) == nil)
      #expect(firstDifference(cached.cases, parsed.cases) == nil)
      #expect(firstDifference(cached.faq, parsed.faq) == nil)
      #expect(firstDifference(cached.pages, parsed.pages) == nil)
      // The optional fields the sample exercises, for the comparison to mean something.
      if source == "sample" {
        #expect(parsed.partners.contains { !$0.decisions.isEmpty } && parsed.partners.contains { !$0.grace.isEmpty })
        #expect(parsed.cases.contains { $0.outcome != nil } && parsed.cases.contains { $0.accreditation != nil })
        #expect(parsed.cases.contains(where: \.isSerious) && !parsed.faq.isEmpty && !parsed.pages.isEmpty)
      }
    }
  }

  /// Each case's notes come back from the cache as the HTML Markdown makes of them, so that a warm build
  /// runs no Markdown; HTML kept for other notes than the case's is not used.
  @Test func theCacheKeepsEachCasesNotesAsHTML() throws {
    try withTemporaryFolder { folder in
      let content = try content(in: folder)
      let file = folder.appendingPathComponent("parse-cache")
      let first = ParseCache()
      _ = try ContentFolder.load(content, cache: first)
      first.save(to: file, identity: "test")
      let cached = try ContentFolder.load(content, cache: ParseCache.load(from: file, identity: "test").cache).content
      #expect(cached.sources.count < cached.cases.count, "the cache answered for the cases")
      #expect(cached.notesHTML.count == cached.cases.count && !cached.cases.isEmpty)
      for escalation in cached.cases {
        #expect(cached.notesHTML[escalation.location.file]?.html.text == Markdown.html(from: escalation.notes))
        #expect(cached.html(ofNotes: escalation) == Markdown.html(from: escalation.notes))
      }
      var edited = try #require(cached.cases.first)
      edited.notes += "\n\nA *new* line.\n"
      #expect(cached.html(ofNotes: edited) == Markdown.html(from: edited.notes))
      #expect(cached.html(ofNotes: edited).contains("<em>new</em>"))
    }
  }

  /// Each case's data hash comes back from the cache as made when the case was parsed, for the output
  /// keys; any change to the cases forgets them all, so that none speaks for an edited case.
  @Test func theCacheKeepsEachCasesDataHashUntilTheCasesChange() throws {
    try withTemporaryFolder { folder in
      let content = try content(in: folder)
      let file = folder.appendingPathComponent("parse-cache")
      let first = ParseCache()
      let parsed = try ContentFolder.load(content, cache: first).content
      first.save(to: file, identity: "test")
      var cached = try ContentFolder.load(content, cache: ParseCache.load(from: file, identity: "test").cache).content
      #expect(cached.sources.count < cached.cases.count, "the cache answered for the cases")
      for contents in [parsed, cached] {
        #expect(contents.caseDataHashes.count == contents.cases.count && !contents.cases.isEmpty)
        for escalation in contents.cases {
          #expect(contents.caseDataHashes[escalation.location.file] == escalation.dataHash)
        }
      }
      cached.cases[0].customer += " Ltd"
      #expect(cached.caseDataHashes.isEmpty)
    }
  }

  /// Notes kept as the bytes they were read as equal the same notes given as a string, and differ from
  /// other notes; notes that differ only in how a character is composed are equal, as strings are; both
  /// kinds give the same UTF-8.
  @Test func notesKeptAsBytesCompareAsTheirText() {
    let text = "Call the partner *today*: café."
    let bytes = NoteText(utf8: ArraySlice(Array("xx\(text)yy".utf8))[2..<(2 + text.utf8.count)])
    #expect(bytes.text == text)
    #expect(bytes == NoteText(text) && NoteText(text) == bytes)
    #expect(bytes == NoteText(utf8: ArraySlice(Array(text.utf8))))
    #expect(bytes != NoteText(text + "!") && bytes != NoteText(utf8: ArraySlice(Array("Call".utf8))))
    let decomposed = NoteText(utf8: ArraySlice(Array("cafe\u{301}".utf8)))
    #expect(decomposed == NoteText(utf8: ArraySlice(Array("caf\u{E9}".utf8))))
    #expect(bytes.withUTF8 { Array($0) } == NoteText(text).withUTF8 { Array($0) })
    var escalation = EscalationCase(
      id: "c1", partnerSlug: "p", customer: "C", accreditation: nil, isSerious: false, seriousLocation: nil,
      steps: [], outcome: nil, noteText: bytes, location: SourceLocation(file: "x"))
    #expect(escalation.notes == text)
    escalation.notes = "Other."
    #expect(escalation.noteText == NoteText("Other."))
  }

  /// The first pair of values that differ (or a count that does), described; nil when the lists are equal.
  private func firstDifference<T: Equatable>(_ cached: [T], _ parsed: [T]) -> String? {
    guard cached.count == parsed.count else { return "\(cached.count) values from the cache, \(parsed.count) parsed" }
    return zip(cached, parsed).first { $0 != $1 }.map { "from the cache: \($0)\nparsed: \($1)" }
  }

  /// A case's data key changes with every field a page other than its own shows, and not with its notes.
  @Test func aCaseDataKeyFollowsEveryFieldButTheNotes() throws {
    try withTemporaryFolder { folder in
      let content = try ContentFolder.load(try content(in: folder)).content
      let escalation = try #require(content.cases.first { $0.outcome != nil && $0.accreditation != nil })
      let edits: [(String, (inout EscalationCase) -> Void)] = [
        ("id", { $0.id += "x" }), ("partner", { $0.partnerSlug += "x" }), ("customer", { $0.customer += "x" }),
        ("accreditation", { $0.accreditation = nil }), ("serious", { $0.isSerious.toggle() }),
        ("a step's date", { $0.steps[0].date = $0.steps[0].date.adding(days: 1) }),
        ("a step's line", { $0.steps[0].location.line += 1 }), ("outcome", { $0.outcome = nil }),
        ("file", { $0.location.file += "x" }),
      ]
      for (field, edit) in edits {
        var edited = escalation
        edit(&edited)
        #expect(edited.dataHash != escalation.dataHash, "\(field)")
      }
      var notes = escalation
      notes.notes += "\nAnother paragraph."
      #expect(notes.dataHash == escalation.dataHash)
    }
  }

  /// A record's evaluated key (`Partner.evaluatedHash`, what the files made from every evaluation are keyed
  /// by) changes with every field an evaluation or those files read, entries' lines included, and not with
  /// the region, the website or the PDM, which only the partner's page, the lists and the agendas show.
  /// A load asked to stop (a build the record answered: nothing changed, case notes edited) gives an empty
  /// cache and no warning; the same file read to its end gives every entry.
  @Test func aLoadAskedToStopGivesAnEmptyCacheWithoutAWarning() throws {
    try withTemporaryFolder { folder in
      let cache = ParseCache()
      _ = try ContentFolder.load(try content(in: folder), cache: cache)
      let file = folder.appendingPathComponent("parse-cache")
      cache.save(to: file, identity: "test")
      let record = "partners/northwind-digital.yaml"
      let whole = ParseCache.load(from: file, identity: "test")
      #expect(whole.warning == nil)
      #expect(whole.cache.partner(at: record)?.slug == "northwind-digital")
      let stop = ParseCache.Stop()
      stop.request()
      let stopped = ParseCache.load(from: file, identity: "test", stop: stop)
      #expect(stopped.warning == nil)
      #expect(stopped.cache.partner(at: record) == nil)
    }
  }

  @Test func aRecordsEvaluatedKeyFollowsEveryFieldButTheRegionWebsiteAndPDM() throws {
    try withTemporaryFolder { folder in
      let content = try ContentFolder.load(try content(in: folder)).content
      let partner = try #require(
        content.partners.first {
          !$0.tiers.isEmpty && !$0.certifications.isEmpty && !$0.accreditations.isEmpty && !$0.decisions.isEmpty
            && !$0.grace.isEmpty
        })
      let edits: [(String, (inout Partner) -> Void)] = [
        ("slug", { $0.slug += "x" }), ("name", { $0.name += "x" }),
        ("a tier", { $0.tiers[0].tier += "x" }), ("a tier's line", { $0.tiers[0].location.line += 1 }),
        ("a grace period", { $0.grace[0].until = $0.grace[0].until.adding(days: 1) }),
        ("a certification", { $0.certifications[0].earned = $0.certifications[0].earned.adding(days: 1) }),
        ("an accreditation", { $0.accreditations[0].issued = $0.accreditations[0].issued.adding(days: 1) }),
        ("a decision", { $0.decisions[0].hasDirectorApproval.toggle() }),
        ("a decision's line", { $0.decisions[0].location.line += 1 }), ("file", { $0.location.file += "x" }),
      ]
      for (field, edit) in edits {
        var edited = partner
        edit(&edited)
        #expect(edited.evaluatedHash != partner.evaluatedHash, "\(field)")
      }
      var listed = partner
      listed.region = "Far North"
      listed.website = "https://example.org/else"
      listed.pdm = "Someone Else"
      #expect(listed.evaluatedHash == partner.evaluatedHash)
    }
  }

  @Test func aFileWhoseStampIsUnchangedIsNotReadAgainAndATouchedFileIsRead() throws {
    try withTemporaryFolder { folder in
      let content = try content(in: folder)
      let cache = ParseCache()
      _ = try ContentFolder.load(content, cache: cache)
      let note = content.appendingPathComponent("cases/northwind-digital/NW-2026-019.md")
      let attributes = try FileManager.default.attributesOfItem(atPath: note.path)
      // The same size and modification time (and inode): the file is taken as unchanged, as git would.
      let text = try String(contentsOf: note, encoding: .utf8)
      let sameSize = text.replacingOccurrences(of: "Pinecrest", with: "Pinecrust")
      let handle = try FileHandle(forWritingTo: note)
      try handle.write(contentsOf: Data(sameSize.utf8))
      try handle.close()
      try FileManager.default.setAttributes(
        [.modificationDate: try #require(attributes[.modificationDate] as? Date)], ofItemAtPath: note.path)
      let stale = try ContentFolder.load(content, cache: cache)
      #expect(stale.content.cases.first { $0.id == "NW-2026-019" }?.customer == "Pinecrest Realty")
      // A new modification time: the file is read again.
      try FileManager.default.setAttributes(
        [.modificationDate: Date().addingTimeInterval(-60)], ofItemAtPath: note.path)
      let fresh = try ContentFolder.load(content, cache: cache)
      #expect(fresh.content.cases.first { $0.id == "NW-2026-019" }?.customer == "Pinecrust Realty")
    }
  }

  @Test(arguments: ["truncated", "flipped byte", "another version", "garbage", "empty"])
  func aDamagedParseCacheIsIgnoredWithOneWarningAndRebuilt(damage: String) throws {
    try withTemporaryFolder { folder in
      let content = try content(in: folder)
      let output = folder.appendingPathComponent("public")
      let cache = BuildCache(folder: folder.appendingPathComponent("cache"))
      func editRecord(_ line: String) throws {
        let record = content.appendingPathComponent("partners/contoso-consulting.yaml")
        try (try String(contentsOf: record, encoding: .utf8) + line).write(
          to: record, atomically: false, encoding: .utf8)
        try redate(content, to: Date().addingTimeInterval(-10), changedAfter: Date().addingTimeInterval(-5))
      }
      _ = try build(content, into: output, cache: cache)
      let file = cache.parseCacheFile(for: content)
      var bytes = [UInt8](try Data(contentsOf: file))
      switch damage {
      case "truncated": bytes.removeLast(bytes.count / 2)
      case "flipped byte": bytes[bytes.count / 2] ^= 0x20
      case "another version": bytes.replaceSubrange(0..<16, with: Array("accredit-parse 9".utf8))
      case "garbage": bytes = Array("not a cache at all".utf8)
      default: bytes = []
      }
      try Data(bytes).write(to: file)
      try editRecord("# a comment\n")

      let warnings = Captured()
      let rebuilt = try build(content, into: output, cache: cache, warnings: warnings)
      #expect(warnings.err.split(separator: "\n").count == 1, "\(warnings.err)")
      #expect(warnings.err.contains("ignoring the parse cache"))
      #expect(rebuilt.diagnostics.contains { $0.message.contains("outside the tier review months") })
      let clean = folder.appendingPathComponent("clean")
      _ = try build(
        content, into: clean, cache: BuildCache(folder: folder.appendingPathComponent("other")), clean: true)
      #expect(try filesBelow(output).mapValues(\.bytes) == filesBelow(clean).mapValues(\.bytes))

      try editRecord("# another comment\n")
      let again = Captured()
      _ = try build(content, into: output, cache: cache, warnings: again)
      #expect(again.err.isEmpty, "the cache was rebuilt: \(again.err)")
    }
  }
}
