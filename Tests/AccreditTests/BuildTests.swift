import AccreditCLI
import AccreditContent
import AccreditEngine
import AccreditSite
import ArgumentParser
import Foundation
import Testing

@Suite("Building the site")
struct BuildTests {
  private let sampleContent = repositoryRoot.appendingPathComponent("content")

  private func build(content: URL, output: URL, asOf: String? = "2026-11-15") throws -> SiteBuilder.Built {
    try SiteBuilder.build(
      .init(content: content, asOf: asOf.map(Day.init), today: Day("2030-01-01")), into: .init(folder: output))
  }

  @Test func sampleStatusMatchesTheGoldenFile() throws {
    try withTemporaryFolder { folder in
      let output = folder.appendingPathComponent("public")
      _ = try build(content: sampleContent, output: output)
      let built = try String(contentsOf: output.appendingPathComponent("api/status.json"), encoding: .utf8)
      let goldenURL = repositoryRoot.appendingPathComponent("Tests/AccreditTests/Fixtures/status.json")
      if ProcessInfo.processInfo.environment["ACCREDIT_RECORD"] == "1" {
        try built.write(to: goldenURL, atomically: true, encoding: .utf8)
        Issue.record("re-recorded \(goldenURL.lastPathComponent); run again without ACCREDIT_RECORD")
        return
      }
      let golden = try String(contentsOf: goldenURL, encoding: .utf8)
      #expect(built == golden, "status.json differs from the golden file; re-record with ACCREDIT_RECORD=1 on purpose")
    }
  }

  @Test func statusJSONFollowsTheSchema() throws {
    try withTemporaryFolder { folder in
      let output = folder.appendingPathComponent("public")
      _ = try build(content: sampleContent, output: output)
      let data = try Data(contentsOf: output.appendingPathComponent("api/status.json"))
      let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
      #expect(root["schema"] as? Int == 1)
      #expect(root["as_of"] as? String == "2026-11-15")
      let partners = try #require(root["partners"] as? [[String: Any]])
      #expect(partners.map { $0["slug"] as? String ?? "" } == partners.map { $0["slug"] as? String ?? "" }.sorted())
      let statuses = Set(
        partners.flatMap { ($0["accreditations"] as? [[String: Any]] ?? []).compactMap { $0["status"] as? String } })
      #expect(statuses == Set(AccreditationStatus.allCases.map(\.rawValue)), "the sample shows every status")
      let rules = Set(
        partners.flatMap {
          ($0["accreditations"] as? [[String: Any]] ?? []).flatMap {
            ($0["reasons"] as? [[String: Any]] ?? []).compactMap { $0["rule"] as? String }
          }
        })
      #expect(rules == Set(Rule.allCases.map(\.rawValue)), "the sample shows every reason")
      // A revoked accreditation is never evaluated again: `null`; every other one has a date.
      for accreditation in partners.flatMap({ $0["accreditations"] as? [[String: Any]] ?? [] }) {
        let next = accreditation["next_evaluation"]
        if accreditation["status"] as? String == "revoked" {
          #expect(next is NSNull, "\(accreditation)")
        } else {
          #expect((next as? String).flatMap(Day.init(iso:)) != nil, "\(accreditation)")
        }
      }
      let text = try #require(String(data: data, encoding: .utf8))
      let keyOrder = [
        "\"slug\"", "\"name\"", "\"tier\"", "\"tier_eligible\"", "\"in_grace\"", "\"eligible_to_apply\"",
        "\"marks\"", "\"next_tier_review\"", "\"accreditations\"", "\"open_cases\"",
      ]
      let positions = keyOrder.compactMap { text.range(of: $0)?.lowerBound }
      #expect(positions.count == keyOrder.count && positions == positions.sorted())
      let sources = partners.flatMap {
        ($0["accreditations"] as? [[String: Any]] ?? []).flatMap {
          ($0["reasons"] as? [[String: Any]] ?? []).compactMap { $0["source"] as? String }
        }
      }
      #expect(sources.allSatisfy { $0.wholeMatch(of: /content\/(partners|cases)\/[^:]+:\d+/) != nil })
    }
  }

  @Test func twoBuildsAreByteIdentical() throws {
    try withTemporaryFolder { folder in
      let first = folder.appendingPathComponent("first")
      let second = folder.appendingPathComponent("second")
      _ = try build(content: sampleContent, output: first)
      _ = try build(content: sampleContent, output: second)
      let a = try filesBelow(first).mapValues(\.bytes)
      #expect(!a.isEmpty)
      #expect(a == (try filesBelow(second).mapValues(\.bytes)))
    }
  }

  @Test func aFailedBuildLeavesThePreviousOutputUntouched() throws {
    try withTemporaryFolder { folder in
      let content = folder.appendingPathComponent("content")
      try FileManager.default.copyItem(at: sampleContent, to: content)
      let output = folder.appendingPathComponent("public")
      _ = try build(content: content, output: output)
      try Data("keep me".utf8).write(to: output.appendingPathComponent("extra.txt"))
      let before = try filesBelow(output).mapValues(\.bytes)

      try Data("name: Broken\nteir: gold\n".utf8).write(to: content.appendingPathComponent("partners/broken.yaml"))
      #expect(throws: SiteBuilder.Failure.self) { try build(content: content, output: output) }
      #expect(try filesBelow(output).mapValues(\.bytes) == before)
      let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        .filter { $0.hasPrefix(".") && $0 != ".public.accredit-lock" }
      #expect(leftovers.isEmpty, "no staging folder is left behind")
    }
  }

  @Test func aSuccessfulBuildReplacesTheOutputWhole() throws {
    try withTemporaryFolder { folder in
      let output = folder.appendingPathComponent("public")
      try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
      try Data("stale".utf8).write(to: output.appendingPathComponent("stale.html"))
      _ = try build(content: sampleContent, output: output)
      #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("stale.html").path))
      #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("api/status.json").path))
    }
  }

  @Test func asOfComesFromTheCommandLineThenSiteThenToday() throws {
    try withTemporaryFolder { folder in
      let content = folder.appendingPathComponent("content")
      try FileManager.default.copyItem(at: sampleContent, to: content)
      let output = folder.appendingPathComponent("public")
      #expect(try build(content: content, output: output, asOf: "2026-12-01").asOf == Day("2026-12-01"))
      #expect(try build(content: content, output: output, asOf: nil).asOf == Day("2026-11-15"))
      try Data("title: T\n".utf8).write(to: content.appendingPathComponent("site.yaml"))
      #expect(try build(content: content, output: output, asOf: nil).asOf == Day("2030-01-01"))
    }
  }

  @Test func refusesToReplaceTheContentFolder() throws {
    try withTemporaryFolder { folder in
      let content = folder.appendingPathComponent("content")
      try FileManager.default.copyItem(at: sampleContent, to: content)
      #expect(throws: SiteBuilder.Failure.self) { try build(content: content, output: content) }
      #expect(throws: SiteBuilder.Failure.self) { try build(content: content, output: folder) }
      #expect(FileManager.default.fileExists(atPath: content.appendingPathComponent("standards.yaml").path))
    }
  }

  @Test func hostileNamesAreEscapedInStatusJSON() throws {
    let loaded = Tree([
      "partners/x.yaml": """
      name: "<script>alert('x')</script> & <img src=x onerror=alert(1)>"
      tiers:
        - { reviewed: 2026-01-15, tier: gold }
      """
    ]).load()
    #expect(!loaded.diagnostics.hasErrors)
    let evaluations = Evaluator(standards: loaded.content.standards)
      .evaluate(loaded.content.partners, cases: loaded.content.cases, asOf: Day("2026-11-15"))
    let text = StatusDocument(evaluations: evaluations, asOf: Day("2026-11-15"), contentName: "content").json
      .serialized()
    #expect(!text.contains("<"))
    #expect(!text.contains(">"))
    #expect(text.contains("\\u003cscript\\u003e"))
    let decoded = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    let name = (decoded?["partners"] as? [[String: Any]])?.first?["name"] as? String
    #expect(name == "<script>alert('x')</script> & <img src=x onerror=alert(1)>")
  }
}

@Suite("Command line")
struct CommandLineTests {
  private func exitCode(_ arguments: [String]) -> Int32 {
    do {
      var command = try Accredit.parseAsRoot(arguments)
      try command.validate()
      return 0
    } catch {
      return Accredit.exitCode(for: error).rawValue
    }
  }

  @Test(arguments: [
    ["build", "--as-of", "2026-02-30"],
    ["build", "--as-of", "tomorrow"],
    ["build", "--content", "/no/such/folder"],
    ["check", "--format", "yaml"],
    ["check", "--content", "/no/such/folder"],
    ["frobnicate"],
  ])
  func badUsageExits64(_ arguments: [String]) {
    #expect(exitCode(arguments) == 64)
  }

  @Test func impossibleDateMessageSaysWhatIsWrong() {
    do {
      _ = try Accredit.parseAsRoot(["build", "--as-of", "2026-02-30"])
      Issue.record("parsed an impossible date")
    } catch {
      #expect(Accredit.message(for: error).contains("'2026-02-30' is not a calendar date"))
    }
  }

  @Test func checkReportsEveryProblemAndExitsOne() throws {
    try withTemporaryFolder { folder in
      for (path, text) in Tree([
        "partners/a.yaml": "name: A\nteir: x\n",
        "partners/b.yaml": "name: B\ntiers:\n  - { reviewed: 2026-03-01, tier: gold }\n",
      ]).files {
        let url = folder.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
      }
      let captured = Captured()
      // The cache in a hidden folder, which the content folder's walk skips.
      let cache = ["--cache", folder.appendingPathComponent(".cache").path]
      let check = try #require(try Accredit.parseAsRoot(["check", "--content", folder.path] + cache) as? Check)
      #expect(Commands.check(check, console: captured.console) == 1)
      let err = captured.err
      #expect(err.contains("partners/a.yaml:2:1: error: unknown key 'teir'"))
      #expect(err.contains("partners/b.yaml:3:17: warning: tier review dated 2026-03-01"))
      #expect(err.hasSuffix("2 errors, 1 warning\n"))

      try Data("name: A\ntiers:\n  - { reviewed: 2026-01-15, tier: gold }\n".utf8)
        .write(to: folder.appendingPathComponent("partners/a.yaml"))
      #expect(Commands.check(check, console: captured.console) == 0, "warnings alone pass")
      let strict = try #require(
        try Accredit.parseAsRoot(["check", "--strict", "--content", folder.path] + cache) as? Check)
      #expect(Commands.check(strict, console: captured.console) == 1, "--strict fails on warnings")
    }
  }
}

/// A console that keeps what commands print.
final class Captured: @unchecked Sendable {
  private let lock = NSLock()
  private var outText = ""
  private var errText = ""

  var out: String { lock.withLock { outText } }
  var err: String { lock.withLock { errText } }

  var console: Console {
    Console(
      out: { [self] text in lock.withLock { outText += text } },
      err: { [self] text in lock.withLock { errText += text } })
  }
}

@Suite("The README")
struct ReadmeTests {
  /// The `--options` a text names, in order of first appearance, `--help` and `--version` aside.
  private func options(in text: some StringProtocol) -> Set<String> {
    var found: Set<String> = []
    var rest = Substring(text)
    while let range = rest.range(of: "--") {
      let name = rest[range.upperBound...].prefix { $0.isLowercase || $0 == "-" }
      if !name.isEmpty { found.insert("--" + name) }
      rest = rest[range.upperBound...]
    }
    return found.subtracting(["--help", "--version"])
  }

  @Test(arguments: [
    ("build", Build.helpMessage()), ("check", Check.helpMessage()), ("serve", Serve.helpMessage()),
    ("changes", Changes.helpMessage()), ("upcoming", Upcoming.helpMessage()),
    ("new partner", NewPartner.helpMessage()), ("new case", NewCase.helpMessage()),
  ])
  func theSynopsisNamesEveryOptionOfTheCommand(command: String, help: String) throws {
    let readme = try String(contentsOf: repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
    let synopsis = try #require(
      readme.split(separator: "\n").first { $0.hasPrefix("accredit \(command) ") }, "no synopsis line for \(command)")
    // The usage block, which may wrap over several lines, ends at the first empty line.
    let lines = help.split(separator: "\n", omittingEmptySubsequences: false)
    let start = try #require(lines.firstIndex { $0.hasPrefix("USAGE:") })
    let usage = lines[start...].prefix { !$0.isEmpty }.joined(separator: " ")
    #expect(options(in: synopsis) == options(in: usage), "README: \(synopsis)\n--help: \(usage)")
  }
}
