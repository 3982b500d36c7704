import AccreditContent
import AccreditCLI
import AccreditEngine
@testable import AccreditSite
import Foundation
import Testing

/// Issue 22: the CLI keeps each partner's memo (its history, its pieces of the site-wide files, its feed
/// piece, its months, its calendar events) in the build cache, so that a record edit makes the edited
/// partner's alone; an entry is used only under the partner's key, and the site equals a clean build.
@Suite("The partners' memo kept in the build cache")
struct MemoCacheTests {
  /// Generated content dated an hour back (as a checkout is), with the output folder and build cache a
  /// test builds it into.
  private func site(in folder: URL, partners: Int, cases: Int, seed: UInt64) throws -> (
    content: URL, output: URL, cache: BuildCache
  ) {
    let content = try generatedContent(in: folder, partners: partners, cases: cases, seed: seed)
    try redate(content, to: Date().addingTimeInterval(-3600))
    return (
      content, folder.appendingPathComponent("public"), BuildCache(folder: folder.appendingPathComponent("cache"))
    )
  }

  private func build(
    _ content: URL, into output: URL, cache: BuildCache?, clean: Bool = false, warnings: Captured? = nil
  ) throws -> SiteBuilder.Built {
    var options = SiteBuilder.Output(folder: output, clean: clean)
    options.cache = cache
    if let warnings { options.onCacheWarning = { warnings.console.err($0 + "\n") } }
    return try SiteBuilder.build(
      .init(content: content, asOf: Day("2026-11-15"), today: Day("2030-01-01")), into: options)
  }

  /// Builds `content` clean into a folder of its own and compares it with `output`, file by file.
  private func expectEqualToACleanBuild(_ content: URL, _ output: URL, in folder: URL, step: String) throws {
    let clean = folder.appendingPathComponent("clean")
    _ = try build(content, into: clean, cache: nil, clean: true)
    defer { try? FileManager.default.removeItem(at: clean) }
    let built = try filesBelow(output).mapValues(\.bytes).filter { $0.key != ".accredit-manifest" }
    let expected = try filesBelow(clean).mapValues(\.bytes).filter { $0.key != ".accredit-manifest" }
    #expect(Set(built.keys) == Set(expected.keys), "\(step): the same files")
    for (path, bytes) in expected where built[path] != bytes {
      Issue.record("\(step): \(path) differs from a clean build")
    }
  }

  /// A memo read from its file decodes a partner's history, feed piece, months and calendar only when a
  /// page asks for them (a record edit that changes no evaluation asks for none), each then kept; a part
  /// that does not decode is made again, as one the file does not have.
  @Test func theMemosPartsAreDecodedWhenFirstAskedFor() throws {
    try withTemporaryFolder { folder in
      let content = try generatedContent(in: folder, partners: 12, cases: 4, seed: 5)
      let renderer = try SiteBuilder.renderer(
        for: .init(content: content, asOf: Day("2026-11-15"), today: Day("2030-01-01")))
      _ = try renderer.render()
      let (keys, planKeys) = renderer.memoKeys(renderer.makeKeys())
      let made = renderer.histories
      let bytes = made.encoded(keys: keys, planKeys: planKeys, identity: "test")
      let read = PartnerMemo.decoded(bytes, keys: keys, planKeys: planKeys, identity: "test").memo
      let slug = try #require(renderer.content.partners.first { made.kept($0.slug).feed != nil }?.slug)
      #expect(read.unread.withLock { $0.count } == renderer.content.partners.count)
      #expect(read.byPartner.withLock { $0.isEmpty } && read.feeds.withLock { $0.isEmpty })
      #expect(read.months.withLock { $0.isEmpty } && read.calendars.withLock { $0.isEmpty })
      #expect(read.pieces.withLock { $0[.statusJSON]?[slug] } == made.pieces.withLock { $0[.statusJSON]?[slug] })
      // Written again with nothing decoded, its parts copied as they were: the same file.
      #expect(read.encoded(keys: keys, planKeys: planKeys, identity: "test") == bytes)
      #expect(read.byPartner.withLock { $0.isEmpty } && read.feeds.withLock { $0.isEmpty })

      let feed = read.feedPiece(of: slug) {
        Issue.record("made again, not decoded")
        return PartnerFeedPiece(changes: [], events: [])
      }
      #expect(feed == made.feeds.withLock { $0[slug] })
      #expect(read.feeds.withLock { $0[slug] } == feed, "kept once decoded")
      #expect(read.monthCounts(of: slug) { [] } == made.months.withLock { $0[slug] })
      #expect(read.byPartner.withLock { $0.count } == 0 && read.calendars.withLock { $0[slug] } == nil)

      // Parts whose bytes do not decode are made again.
      let garbled = PartnerMemo()
      let unread = PartnerMemo.Unread(bytes: [0xFF, 0xFF], parts: Array(repeating: 0..<2, count: 4))
      garbled.keep(pieces: [:], unread: unread, of: slug)
      #expect(garbled.monthCounts(of: slug) { [7] } == [7])
      #expect(garbled.decodedHistory(of: slug) == nil && garbled.kept(slug).feed == nil)
    }
  }

  /// The file's coding holds every field of what it keeps: each partner's entry read back equals the
  /// entry a whole render made, field by field (`Kept`'s `==` is synthesized, so a field added to a piece
  /// and forgotten by the coding fails here).
  @Test(arguments: ["sample", "generated"])
  func aMemoRoundTripGivesEachPartnersEntryFieldByField(source: String) throws {
    try withTemporaryFolder { folder in
      let content =
        source == "sample"
        ? try agedSampleContent(in: folder) : try generatedContent(in: folder, partners: 30, cases: 4, seed: 5)
      let renderer = try SiteBuilder.renderer(
        for: .init(content: content, asOf: Day("2026-11-15"), today: Day("2030-01-01")))
      _ = try renderer.render()
      let (keys, planKeys) = renderer.memoKeys(renderer.makeKeys())
      let plans = renderer.plan().partners
      let memo = renderer.histories
      let bytes = memo.encoded(keys: keys, plans: plans, planKeys: planKeys, identity: "test")
      let decoded = PartnerMemo.decoded(bytes, keys: keys, planKeys: planKeys, identity: "test")
      let (read, count) = (decoded.memo, decoded.count)
      #expect(count == renderer.content.partners.count)
      for partner in renderer.content.partners {
        let made = memo.kept(partner.slug)
        #expect(read.kept(partner.slug) == made, "\(partner.slug)")
      }
      #expect(decoded.plans == plans && plans.count == renderer.content.partners.count)
      #expect(plans.values.contains { $0.files.count > 3 })
      // Every kind of entry is there, for the comparison to mean something.
      let entries = renderer.content.partners.map { memo.kept($0.slug) }
      #expect(entries.contains { $0.history.map { !$0.accreditations.isEmpty } ?? false })
      #expect(entries.contains { $0.pieces.count == 4 })
      #expect(entries.contains { $0.feed.map { !$0.events.isEmpty && !$0.changes.isEmpty } ?? false })
      #expect(entries.contains { $0.months.map { !$0.isEmpty } ?? false })
      #expect(entries.contains { $0.calendar.map { !$0.isEmpty } ?? false })
      #expect(
        entries.contains { $0.feed?.events.contains { $0.change != nil } ?? false }
          && entries.contains { $0.feed?.events.contains { $0.change == nil } ?? false })

      // Another key, another build of accredit, a damaged file: nothing of it is used.
      let slug = try #require(renderer.content.partners.first?.slug)
      var changed = keys
      changed[slug] = (changed[slug] ?? 0) &+ 1
      let other = PartnerMemo.decoded(bytes, keys: changed, planKeys: planKeys, identity: "test")
      #expect(other.count == count - 1 && other.memo.kept(slug).isEmpty && other.plans.count == plans.count)
      var otherPlanKeys = planKeys
      otherPlanKeys[slug] = (otherPlanKeys[slug] ?? 0) &+ 1
      let otherPlans = PartnerMemo.decoded(bytes, keys: keys, planKeys: otherPlanKeys, identity: "test")
      #expect(otherPlans.count == count && otherPlans.plans[slug] == nil && otherPlans.plans.count == plans.count - 1)
      let another = PartnerMemo.decoded(bytes, keys: keys, planKeys: planKeys, identity: "another")
      #expect(another.count == 0 && another.plans.isEmpty && another.damage == nil)
      for position in [0, bytes.count / 2, bytes.count - 1] {
        var damaged = bytes
        damaged[position] ^= 0x20
        let read = PartnerMemo.decoded(damaged, keys: keys, planKeys: planKeys, identity: "test")
        #expect(read.count == 0 && read.plans.isEmpty && read.damage != nil)
      }
      let half = PartnerMemo.decoded(
        Array(bytes.prefix(bytes.count / 2)), keys: keys, planKeys: planKeys, identity: "test")
      #expect(half.count == 0 && half.plans.isEmpty && half.damage != nil)
    }
  }

  /// A record edited: the build reads every other partner's entry from the cache, and the site equals a
  /// clean build; a change every entry is made from (the date) uses none.
  @Test func aRecordEditUsesTheOtherPartnersEntriesAndEqualsACleanBuild() throws {
    try withTemporaryFolder { folder in
      let (content, output, cache) = try site(in: folder, partners: 20, cases: 4, seed: 9)
      #expect(try build(content, into: output, cache: cache).reusedMemos == 0)
      let partners = try FileManager.default.contentsOfDirectory(
        atPath: content.appendingPathComponent("partners").path
      ).sorted()
      let record = content.appendingPathComponent("partners/" + partners[3])
      let text = try String(contentsOf: record, encoding: .utf8)
      #expect(text.contains("region: "))
      try text.replacingOccurrences(of: "region: ", with: "region: Far ").write(
        to: record, atomically: false, encoding: .utf8)
      try redate(content, to: Date().addingTimeInterval(-1800), changedAfter: Date().addingTimeInterval(-60))
      let edited = try build(content, into: output, cache: cache)
      #expect(edited.reusedMemos == partners.count - 1 && edited.reusedPlans == partners.count - 1)
      #expect(edited.report.written > 0)
      try expectEqualToACleanBuild(content, output, in: folder, step: "record edit")

      // The next edit uses the edited partner's new entry too.
      try String(contentsOf: record, encoding: .utf8).replacingOccurrences(of: "region: Far ", with: "region: ")
        .write(to: record, atomically: false, encoding: .utf8)
      try redate(content, to: Date().addingTimeInterval(-1700), changedAfter: Date().addingTimeInterval(-60))
      #expect(try build(content, into: output, cache: cache).reusedMemos == partners.count - 1)
      try expectEqualToACleanBuild(content, output, in: folder, step: "record edited back")

      // A damaged file is no entry and no error.
      let memoFile = cache.memoFile(for: content)
      var bytes = try [UInt8](Data(contentsOf: memoFile))
      bytes[bytes.count / 2] ^= 0x01
      try Data(bytes).write(to: memoFile)
      try text.write(to: record, atomically: false, encoding: .utf8)
      try redate(content, to: Date().addingTimeInterval(-1600), changedAfter: Date().addingTimeInterval(-60))
      let warnings = Captured()
      #expect(try build(content, into: output, cache: cache, warnings: warnings).reusedMemos == 0)
      #expect(warnings.err.hasPrefix("ignoring the build cache's memo ") && warnings.err.contains("checksum"))
      #expect(warnings.err.split(separator: "\n").count == 1)
      try expectEqualToACleanBuild(content, output, in: folder, step: "damaged memo")
      // The build that ignored it wrote a good one.
      let again = Captured()
      try String(contentsOf: record, encoding: .utf8).replacingOccurrences(of: "region: ", with: "region: Near ")
        .write(to: record, atomically: false, encoding: .utf8)
      try redate(content, to: Date().addingTimeInterval(-1500), changedAfter: Date().addingTimeInterval(-60))
      #expect(try build(content, into: output, cache: cache, warnings: again).reusedMemos == partners.count - 1)
      #expect(again.err.isEmpty)
      try expectEqualToACleanBuild(content, output, in: folder, step: "after the damaged memo")
    }
  }

  /// The file is written again when the build made entries for more than a fiftieth of the partners (or
  /// read none), not for one record edit among many partners: the next build makes that partner's again.
  @Test func theFileIsWrittenAgainOnlyWhenMuchWasMadeAgain() throws {
    try withTemporaryFolder { folder in
      let (content, output, cache) = try site(in: folder, partners: 60, cases: 1, seed: 2)
      _ = try build(content, into: output, cache: cache)
      let memoFile = cache.memoFile(for: content)
      let written = try Data(contentsOf: memoFile)
      let partners = try FileManager.default.contentsOfDirectory(
        atPath: content.appendingPathComponent("partners").path
      ).sorted()
      func edit(_ index: Int, step: Int) throws -> SiteBuilder.Built {
        let record = content.appendingPathComponent("partners/" + partners[index])
        // A comment: the record's bytes change, the partner does not.
        try (String(contentsOf: record, encoding: .utf8) + "\n# edit \(step)\n")
          .write(to: record, atomically: false, encoding: .utf8)
        try redate(
          content, to: Date().addingTimeInterval(Double(step * 10 - 1800)),
          changedAfter: Date().addingTimeInterval(-60))
        return try build(content, into: output, cache: cache)
      }
      #expect(try edit(0, step: 1).reusedMemos == partners.count - 1)
      #expect(try Data(contentsOf: memoFile) == written, "one partner of 60 made again: not written")
      #expect(try edit(1, step: 2).reusedMemos == partners.count - 2, "the first edited partner is made again")
      #expect(try Data(contentsOf: memoFile) != written, "two of 60: written")
      #expect(try edit(2, step: 3).reusedMemos == partners.count - 1)
      try expectEqualToACleanBuild(content, output, in: folder, step: "three edits")

      // Partner 2 edited back as the file knows it: its entry is used, but not its plan, whose files the
      // output folder holds as last built, not as the file has them.
      let record = content.appendingPathComponent("partners/" + partners[2])
      let text = try String(contentsOf: record, encoding: .utf8)
      try String(text.dropLast("\n# edit 3\n".count)).write(to: record, atomically: false, encoding: .utf8)
      try redate(content, to: Date().addingTimeInterval(-1700), changedAfter: Date().addingTimeInterval(-60))
      let back = try build(content, into: output, cache: cache)
      #expect(back.reusedMemos == partners.count && back.reusedPlans == partners.count - 1)
      try expectEqualToACleanBuild(content, output, in: folder, step: "edited back")
    }
  }

  /// The output keys take the loader's sorted paths and the parse cache's record and case data hashes
  /// (`Content.inputPaths`, `recordDataHashes`, `caseDataHashes`) and give what a pass over every file
  /// gives; each is forgotten when what it speaks for changes.
  @Test func theLoadersPathsAndDataHashesGiveTheKeysOfAPassOverEveryFile() throws {
    try withTemporaryFolder { folder in
      let (content, _, _) = try site(in: folder, partners: 12, cases: 3, seed: 5)
      let cache = ParseCache()
      _ = try ContentFolder.load(content, cache: cache)
      // The second load takes every file from the cache, as a record edit's does.
      let loaded = try ContentFolder.load(content, cache: cache).content
      #expect(loaded.inputPaths == loaded.inputHashes.keys.sorted())
      #expect(loaded.recordDataHashes.count == loaded.partners.count)
      #expect(loaded.caseDataHashes.count == loaded.cases.count)
      var plain = loaded
      plain.inputHashes = loaded.inputHashes
      plain.partners = loaded.partners
      plain.cases = loaded.cases
      #expect(plain.inputPaths.isEmpty && plain.recordDataHashes.isEmpty && plain.caseDataHashes.isEmpty)
      let day = Day("2026-11-15")
      let kept = InputKeys(content: loaded, asOf: day, contentName: "content")
      let made = InputKeys(content: plain, asOf: day, contentName: "content")
      #expect(kept.everything == made.everything)
      #expect(kept.evaluated == made.evaluated)
      #expect(kept.faq == made.faq)
      for partner in loaded.partners {
        let cases = loaded.cases.filter { $0.partnerSlug == partner.slug }
        #expect(
          kept.partner(recordFile: partner.location.file, cases: cases)
            == made.partner(recordFile: partner.location.file, cases: cases))
      }
      // A region edit leaves the evaluations' key; a name edit does not.
      var renamed = plain
      renamed.partners[0].name += " Ltd"
      #expect(InputKeys(content: renamed, asOf: day, contentName: "content").evaluated != made.evaluated)
      var moved = plain
      moved.partners[0].region = "Far North"
      #expect(InputKeys(content: moved, asOf: day, contentName: "content").evaluated == made.evaluated)
    }
  }

  /// A partner's kept plan is used only while the output folder holds its files as planned: a file of an
  /// unedited partner deleted by hand, or its manifest line changed, makes the build plan everything, and
  /// the site equals a clean build.
  @Test(arguments: ["deleted", "manifest"])
  func aKeptFileTheFolderDoesNotHoldAsPlannedIsMadeAgain(damage: String) throws {
    try withTemporaryFolder { folder in
      let (content, output, cache) = try site(in: folder, partners: 12, cases: 3, seed: 4)
      _ = try build(content, into: output, cache: cache)
      let partners = try FileManager.default.contentsOfDirectory(
        atPath: content.appendingPathComponent("partners").path
      ).sorted()
      let other = String(partners[1].dropLast(".yaml".count))
      let page = "partners/\(other)/index.html"
      let manifest = output.appendingPathComponent(".accredit-manifest")
      if damage == "deleted" {
        try FileManager.default.removeItem(at: output.appendingPathComponent(page))
      } else {
        let lines = try String(contentsOf: manifest, encoding: .utf8).split(
          separator: "\n", omittingEmptySubsequences: false)
        let changed = lines.map { line in
          line.hasSuffix(" " + page) ? "0000000000000001" + line.drop { $0 != " " } : line
        }
        #expect(changed != lines)
        try changed.joined(separator: "\n").write(to: manifest, atomically: false, encoding: .utf8)
      }
      let record = content.appendingPathComponent("partners/" + partners[0])
      try (try String(contentsOf: record, encoding: .utf8)).replacingOccurrences(of: "region: ", with: "region: Far ")
        .write(to: record, atomically: false, encoding: .utf8)
      try redate(content, to: Date().addingTimeInterval(-1800), changedAfter: Date().addingTimeInterval(-60))
      let built = try build(content, into: output, cache: cache)
      // A manifest line changed: that partner's plan is not kept (a file deleted is found while writing).
      #expect(built.reusedPlans == partners.count - (damage == "manifest" ? 2 : 1))
      #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent(page).path))
      try expectEqualToACleanBuild(content, output, in: folder, step: damage)
    }
  }

  /// After a record edit that plans every file (a name), the manifest (written by patching the previous
  /// one's keys and hashes in place when the build makes the same files) is a clean build's, byte for byte;
  /// a manifest whose lines were put out of order by hand is written anew, in order, and so is one of a
  /// build that removes a file. A region edit, which plans its partner's files and the lists alone, takes
  /// every file's plan when the manifest is out of order, and gives a clean build's manifest too.
  @Test(arguments: ["name", "reordered", "removed", "region, reordered"])
  func theManifestAfterARecordEditIsACleanBuilds(edit: String) throws {
    try withTemporaryFolder { folder in
      let (content, output, cache) = try site(in: folder, partners: 6, cases: 2, seed: 3)
      _ = try build(content, into: output, cache: cache)
      let manifest = output.appendingPathComponent(".accredit-manifest")
      if edit.hasSuffix("reordered") {
        var lines = try String(contentsOf: manifest, encoding: .utf8).split(separator: "\n").map(String.init)
        lines.swapAt(1, lines.count - 1)
        try (lines.joined(separator: "\n") + "\n").write(to: manifest, atomically: false, encoding: .utf8)
      }
      let partners = try FileManager.default.contentsOfDirectory(
        atPath: content.appendingPathComponent("partners").path
      ).sorted()
      let record = content.appendingPathComponent("partners/" + partners[0])
      let (field, renamed) =
        edit.hasPrefix("region") ? ("region: ", "region: Far ") : ("name: Partner", "name: Renamed Partner")
      try (try String(contentsOf: record, encoding: .utf8)).replacingOccurrences(of: field, with: renamed)
        .write(to: record, atomically: false, encoding: .utf8)
      if edit == "removed" {
        let slug = String(partners[0].dropLast(".yaml".count))
        let cases = content.appendingPathComponent("cases/" + slug)
        let first = try #require(try FileManager.default.contentsOfDirectory(atPath: cases.path).sorted().first)
        try FileManager.default.removeItem(at: cases.appendingPathComponent(first))
      }
      try redate(content, to: Date().addingTimeInterval(-1800), changedAfter: Date().addingTimeInterval(-60))
      let built = try build(content, into: output, cache: cache)
      #expect(built.report.written > 0 && (built.report.removed > 0) == (edit == "removed"))
      let clean = folder.appendingPathComponent("clean")
      _ = try build(content, into: clean, cache: nil, clean: true)
      let expected = try Data(contentsOf: clean.appendingPathComponent(".accredit-manifest"))
      #expect(try Data(contentsOf: manifest) == expected, "\(edit)")
      try expectEqualToACleanBuild(content, output, in: folder, step: edit)
    }
  }

  /// A partner's region edited alone (`Partner.Reach.listed`): the build plans that partner's files and the
  /// files that list every record alone (`SiteBuilder.RecordEdit`), writes those that show the region (its
  /// page, the list's page it is on or the overview, `api/partners.json`, `api/accreditations.csv`) and no
  /// other, and the site equals a clean build. The manifest keeps the other files under the keys of the
  /// build that made their bytes; the next edit that plans every file (a name) gives a clean build's
  /// manifest again.
  @Test func aRegionEditWritesTheFilesThatShowItAndEqualsACleanBuild() throws {
    try withTemporaryFolder { folder in
      let (content, output, cache) = try site(in: folder, partners: 30, cases: 3, seed: 7)
      // A file the layout ignores, with a warning each build gives, the record edit's too (which does not
      // check the layout again: `ContentFolder.load(stamp:cache:known:)`).
      try "Who edits what.\n".write(
        to: content.appendingPathComponent("partners/README.txt"), atomically: false, encoding: .utf8)
      try redate(content, to: Date().addingTimeInterval(-3600))
      let first = try build(content, into: output, cache: cache)
      let partners = try FileManager.default.contentsOfDirectory(
        atPath: content.appendingPathComponent("partners").path
      ).filter { $0.hasSuffix(".yaml") }.sorted()
      let slug = String(partners[5].dropLast(".yaml".count))
      let record = content.appendingPathComponent("partners/" + partners[5])
      func edit(_ change: (String) -> String, minutesAgo: Double) throws -> SiteBuilder.Built {
        try change(try String(contentsOf: record, encoding: .utf8)).write(
          to: record, atomically: false, encoding: .utf8)
        try redate(
          content, to: Date().addingTimeInterval(-minutesAgo * 60), changedAfter: Date().addingTimeInterval(-60))
        return try build(content, into: output, cache: cache)
      }
      let before = try filesBelow(output).mapValues(\.bytes)
      let region = try edit({ $0.replacingOccurrences(of: "region: ", with: "region: Far ") }, minutesAgo: 30)
      let after = try filesBelow(output).mapValues(\.bytes)
      let changed = Set(after.keys.filter { before[$0] != after[$0] && $0 != ".accredit-manifest" })
      #expect(changed.contains("partners/\(slug)/index.html") && changed.contains("api/partners.json"))
      let shown = ["partners/\(slug)/index.html", "index.html", "api/partners.json", "api/accreditations.csv"]
      #expect(changed.allSatisfy { shown.contains($0) || $0.hasPrefix("partners/page/") }, "\(changed.sorted())")
      #expect(region.report.written == changed.count && region.reusedPlans == partners.count - 1)
      #expect(region.isRecordEdit && region.diagnostics == first.diagnostics)
      #expect(region.diagnostics.contains { $0.location.file == "partners/README.txt" && $0.severity == .warning })
      try expectEqualToACleanBuild(content, output, in: folder, step: "region")
      #expect(try build(content, into: output, cache: cache).isUpToDate)

      // A website added: a line that moves what follows, so every file is planned. Then the website changed,
      // which its partner's page alone shows: that page alone is written.
      let added = try edit(
        { $0.replacingOccurrences(of: "region: ", with: "website: https://one.example\nregion: ") }, minutesAgo: 28)
      #expect(!added.isRecordEdit)
      let website = try edit(
        { $0.replacingOccurrences(of: "https://one.example", with: "https://two.example") }, minutesAgo: 26)
      #expect(website.isRecordEdit && website.report.written == 1)
      try expectEqualToACleanBuild(content, output, in: folder, step: "website")

      _ = try edit(
        { $0.replacingOccurrences(of: "name: Partner", with: "name: Renamed Partner") }, minutesAgo: 20)
      try expectEqualToACleanBuild(content, output, in: folder, step: "name")
      let clean = folder.appendingPathComponent("clean-manifest")
      _ = try build(content, into: clean, cache: nil, clean: true)
      #expect(
        try Data(contentsOf: output.appendingPathComponent(".accredit-manifest"))
          == Data(contentsOf: clean.appendingPathComponent(".accredit-manifest")))
    }
  }
}

/// The envelope the parse cache and the partners' memo share: what it finds wrong with a file, in the words
/// of the warning that says why the file is ignored.
@Suite struct BinaryEnvelopeTests {
  @Test func eachDamageIsNamed() throws {
    let header = Array("accredit-test 2\n".utf8)
    var writer = CacheWriter()
    writer.raw(header)
    writer.string("a body")
    BinaryEnvelope.seal(&writer)
    let sealed = writer.bytes
    func why(_ bytes: [UInt8]) -> String? {
      switch BinaryEnvelope.body(of: bytes, header: header) {
      case .success: nil
      case .failure(let damage): damage.why
      }
    }
    #expect(try BinaryEnvelope.body(of: sealed, header: header).get() == header.count..<(sealed.count - 8))
    #expect(why(Array(sealed.dropLast())) == "its checksum does not match")
    #expect(why(Array(sealed.prefix(header.count + 3))) == "it is truncated")
    var flipped = sealed
    flipped[header.count + 1] ^= 0x20
    #expect(why(flipped) == "its checksum does not match")
    #expect(why(Array("accredit-test 3\n".utf8) + sealed.dropFirst(header.count)) == "another version wrote it")
    #expect(why(Array("something else".utf8)) == "no header")
  }
}
