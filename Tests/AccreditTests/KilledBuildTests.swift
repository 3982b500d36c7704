import AccreditEngine
import AccreditSite
import Foundation
import Synchronization
import Testing

/// The sites clean builds of the suite's content make, by date and whether the first partner is renamed:
/// the content comes from one seed and its folder has one name in every test, so each is the same in every
/// test and is built once per run (a build of this content is about 0.3 s of CPU in a debug build).
private let cleanSites = Mutex<[String: [String: Data]]>([:])

/// Builds killed with `kill -9` at chosen and at random moments never tear the site: the next build
/// leaves exactly what a clean build makes, with no temporary file, journal or staging folder left.
@Suite("Hardening: killed builds", .serialized)
struct KilledBuildTests {
  /// The `accredit` executable SwiftPM built beside the test bundle.
  private var executable: URL {
    URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
      .appendingPathComponent("accredit")
  }

  private func makeContent(in folder: URL) throws -> URL {
    try generatedContent(in: folder, partners: 35, cases: 3, seed: 3)
  }

  /// Runs `accredit build`, killing it at `crashAt` (`point:n`) or after `killAfter`; returns whether it
  /// was killed. It waits without blocking a thread: the live server suites that run beside this one need
  /// Swift's cooperative threads to answer their requests.
  private func build(
    _ content: URL, into output: URL, asOf: String, clean: Bool = false, crashAt: String? = nil,
    killAfter: Duration? = nil, pauseAt: String? = nil
  ) async throws -> Bool {
    let process = Process()
    // At the lowest priority (nice execs the build, so the process killed is the build itself): these
    // builds take both cores, and the suites that run beside them measure time.
    process.executableURL = URL(fileURLWithPath: "/usr/bin/nice")
    process.arguments =
      [
        "-n", "19", executable.path, "build", "--quiet", "--content", content.path, "--output", output.path,
        "--as-of", asOf, "--cache", output.deletingLastPathComponent().appendingPathComponent("cache").path,
      ] + (clean ? ["--clean"] : [])
    var environment = ProcessInfo.processInfo.environment
    environment["ACCREDIT_CRASH_AT"] = crashAt
    environment["ACCREDIT_PAUSE_AT"] = pauseAt
    process.environment = environment
    let (ended, ending) = AsyncStream.makeStream(of: Void.self)
    process.terminationHandler = { _ in ending.finish() }
    try process.run()
    if let killAfter {
      try await Task.sleep(for: killAfter)
      kill(process.processIdentifier, SIGKILL)
    }
    for await _ in ended {}
    if process.terminationReason == .uncaughtSignal { return true }
    try #require(process.terminationStatus == 0, "accredit build exited \(process.terminationStatus)")
    return false
  }

  /// What a clean build of the suite's content makes as of `date`, its first partner renamed when `renamed`.
  private func cleanSite(asOf date: String, renamed: Bool = false) async throws -> [String: Data] {
    let key = "\(date) \(renamed)"
    if let site = cleanSites.withLock({ $0[key] }) { return site }
    let site = try await withTemporaryFolder { folder in
      let content = try makeContent(in: folder)
      if renamed { try renameFirstPartner(try firstRecord(content)) }
      let output = folder.appendingPathComponent("public")
      _ = try await build(content, into: output, asOf: date, clean: true)
      return try contents(output)
    }
    cleanSites.withLock { $0[key] = site }
    return site
  }

  /// The record of the first partner by file name.
  private func firstRecord(_ content: URL) throws -> URL {
    let partners = content.appendingPathComponent("partners")
    let first = try #require(try FileManager.default.contentsOfDirectory(atPath: partners.path).min())
    return partners.appendingPathComponent(first)
  }

  /// Renames the partner of the record at `url` (its first line, `name: …`): a change of a few pages.
  private func renameFirstPartner(_ url: URL) throws {
    var text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
    let range = try #require(text.range(of: "name: "))
    text.replaceSubrange(range, with: "name: Renamed ")
    try Data(text.utf8).write(to: url)
  }

  /// Every file below `folder` with its bytes.
  private func contents(_ folder: URL) throws -> [String: Data] {
    try filesBelow(folder).mapValues(\.bytes)
  }

  /// The paths whose bytes differ between two folders' contents (present in one only, or changed).
  private func differences(_ left: [String: Data], _ right: [String: Data]) -> [String] {
    Set(left.keys).union(right.keys).filter { left[$0] != right[$0] }.sorted()
  }

  /// What a build must not leave behind: temporary files, a journal, staging or old folders.
  private func leftovers(of output: URL) throws -> [String] {
    let inside = try contents(output).keys.filter { $0.hasSuffix(".accredit-tmp") || $0 == ".accredit-journal" }
    let beside = try FileManager.default.contentsOfDirectory(atPath: output.deletingLastPathComponent().path)
      .filter { $0.contains("accredit-staging") || $0.contains("accredit-old") }
    return inside.sorted() + beside.sorted()
  }

  @Test(arguments: [
    ("write:1", false), ("write:40", false), ("commit:1", false), ("commit:6", false), ("commit:100000", false),
    ("write:1", true), ("write:60", true), ("swap:1", true),
  ])
  func aBuildKilledAtAChosenPointIsRepairedByTheNext(crashAt: String, clean: Bool) async throws {
    try #require(FileManager.default.isExecutableFile(atPath: executable.path), "no \(executable.path)")
    try await withTemporaryFolder { folder in
      let content = try makeContent(in: folder)
      let output = folder.appendingPathComponent("public")
      _ = try await build(content, into: output, asOf: "2026-01-15")
      let before = try contents(output)

      // A commit is renames in place only for a small change (`SiteWriter.inPlaceLimit`): one partner's
      // name. A larger one (a new date) is a new folder swapped in.
      let date = crashAt.hasPrefix("commit") ? "2026-01-15" : "2026-09-15"
      if crashAt.hasPrefix("commit") { try renameFirstPartner(try firstRecord(content)) }
      let expected = try await cleanSite(asOf: date, renamed: crashAt.hasPrefix("commit"))

      let killed = try await build(content, into: output, asOf: date, clean: clean, crashAt: crashAt)
      if crashAt != "commit:100000" { #expect(killed, "the crash point was not reached") }
      let now = try contents(output).filter { !$0.key.hasSuffix(".accredit-tmp") && $0.key != ".accredit-journal" }
      if crashAt.hasPrefix("write") {
        // Killed before its commit: the site is still the old one, apart from the temporary files.
        #expect(differences(now, before) == [], "a build killed before its commit changed the site")
      } else if crashAt.hasPrefix("swap") {
        // Killed in the swap: the whole old site or the whole new one (an atomic exchange makes it new).
        #expect(differences(now, before) == [] || differences(now, expected) == [], "a killed swap left a mix")
      }

      _ = try await build(content, into: output, asOf: date)
      #expect(try differences(contents(output), expected) == [])
      #expect(try leftovers(of: output) == [])
    }
  }

  @Test func theBuildAfterAKillDuringACommitSaysWhatItFinished() async throws {
    try await withTemporaryFolder { folder in
      let content = try makeContent(in: folder)
      let output = folder.appendingPathComponent("public")
      _ = try await build(content, into: output, asOf: "2026-01-15")
      try renameFirstPartner(try firstRecord(content))
      #expect(try await build(content, into: output, asOf: "2026-01-15", crashAt: "commit:2"))
      let repair = try runAccredit([
        "build", "--content", content.path, "--output", output.path, "--as-of", "2026-01-15",
        "--cache", folder.appendingPathComponent("cache").path,
      ])
      #expect(repair.status == 0)
      #expect(
        repair.err.contains("accredit: note: finished the commit of an interrupted build: ")
          && repair.err.contains(" files renamed into place, 0 removed"), "\(repair.err)")
      #expect(try leftovers(of: output) == [])
    }
  }

  @Test func buildsKilledAtRandomMomentsNeverLeaveAMix() async throws {
    try #require(FileManager.default.isExecutableFile(atPath: executable.path), "no \(executable.path)")
    try await withTemporaryFolder { folder in
      let content = try makeContent(in: folder)
      let output = folder.appendingPathComponent("public")
      // The kills fall within the time a whole build takes here, so that they land in a build whatever the
      // machine's speed (a new date renders every page again).
      let started = ContinuousClock.now
      _ = try await build(content, into: output, asOf: "2026-01-15")
      let whole = Int((started.duration(to: .now) / .milliseconds(1)).rounded())
      var random = SystemRandomNumberGenerator.seeded(12)
      let dates = ["2026-03-15", "2026-05-15", "2026-07-15", "2026-09-15", "2026-11-15", "2027-01-15"]
      var killed = 0
      for (round, date) in dates.enumerated() {
        let delay = Duration.milliseconds(Int.random(in: 0...max(20, whole), using: &random))
        if try await build(content, into: output, asOf: date, clean: round % 3 == 2, killAfter: delay) { killed += 1 }
        _ = try await build(content, into: output, asOf: date)
        let expected = try await cleanSite(asOf: date)
        #expect(try differences(contents(output), expected) == [], "round \(round), killed after \(delay)")
        #expect(try leftovers(of: output) == [])
      }
      #expect(killed > 0, "no build was killed before it ended: the test tried nothing")
    }
  }

  /// Issue 22: a build's record is written under the output folder's lock. Written after it, a build that
  /// slipped in between left its site paired with the first build's record, and a later build with the
  /// first one's inputs answered "nothing changed" over the wrong site.
  @Test func aBuildRecordIsNeverPairedWithAnotherBuildsSite() async throws {
    try await withTemporaryFolder { folder in
      let content = try makeContent(in: folder)
      let output = folder.appendingPathComponent("public")
      _ = try await build(content, into: output, asOf: "2026-01-15")
      let status = output.appendingPathComponent("api/status.json")
      // The first build stops for 2 s before its record, once its site is written; the second starts then.
      async let first = build(content, into: output, asOf: "2026-03-15", pauseAt: "record:2000")
      let deadline = ContinuousClock.now + .seconds(60)
      while ContinuousClock.now < deadline,
        !String(decoding: (try? Data(contentsOf: status)) ?? Data(), as: UTF8.self).contains("\"2026-03-15\"")
      {
        try await Task.sleep(for: .milliseconds(20))
      }
      let second = try await build(content, into: output, asOf: "2026-09-15")
      #expect(try await first == false && second == false)
      // Now the inputs of the first build again: the site must become its site.
      _ = try await build(content, into: output, asOf: "2026-03-15")
      #expect(try differences(contents(output), await cleanSite(asOf: "2026-03-15")) == [])
    }
  }

  @Test func twoBuildsIntoOneFolderAtOnceNeverInterleave() async throws {
    try #require(FileManager.default.isExecutableFile(atPath: executable.path), "no \(executable.path)")
    try await withTemporaryFolder { folder in
      let content = try makeContent(in: folder)
      let output = folder.appendingPathComponent("public")
      var expected: [String: [String: Data]] = [:]
      for date in ["2026-03-15", "2026-09-15"] { expected[date] = try await cleanSite(asOf: date) }
      _ = try await build(content, into: output, asOf: "2026-01-15")
      for round in 0..<4 {
        // Both builds must succeed (the second waits for the first), and the folder must be exactly one
        // of the two sites.
        async let first = build(content, into: output, asOf: "2026-03-15", clean: round == 3)
        async let second = build(content, into: output, asOf: "2026-09-15")
        let killed = try await [first, second]
        #expect(killed == [false, false])
        let now = try contents(output)
        let matches = expected.values.filter { differences(now, $0).isEmpty }.count
        #expect(matches == 1, "round \(round): the folder is neither site")
        #expect(try leftovers(of: output) == [])
      }
    }
  }
}
