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

  @Test func aSuccessfulBuildKeepsWhatItDidNotMakeAndRemovesWhatItNoLongerMakes() throws {
    try withTemporaryFolder { folder in
      let output = folder.appendingPathComponent("public")
      try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
      try Data("by hand".utf8).write(to: output.appendingPathComponent("hand.html"))
      let content = folder.appendingPathComponent("content")
      try FileManager.default.copyItem(at: sampleContent, to: content)
      let first = try build(content: content, output: output)
      #expect(first.report.kept == ["hand.html"])
      #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("api/status.json").path))
      // Said once: the second build knows its own files from its manifest.
      let second = try build(content: content, output: output, asOf: "2026-11-16")
      #expect(second.report.kept.isEmpty && second.report.written > 0)
      #expect(FileManager.default.fileExists(atPath: output.appendingPathComponent("hand.html").path))
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

  @Test func aProgramOfOnePartnerIsCountedInTheSingular() throws {
    try withTemporaryFolder { folder in
      let content = folder.appendingPathComponent("content")
      for (path, text) in Tree(["partners/p.yaml": healthyPartner]).files {
        let url = content.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
      }
      let cache = ["--cache", folder.appendingPathComponent("cache").path]
      let captured = Captured()
      let check = try #require(try Accredit.parseAsRoot(["check", "--content", content.path] + cache) as? Check)
      #expect(Commands.check(check, console: captured.console) == 0, "\(captured.err)")
      #expect(
        captured.out.hasSuffix(": no problems in 1 partner, 0 cases, 0 FAQ entries and 0 pages\n"), "\(captured.out)")
      let built = Captured()
      let arguments = [
        "--content", content.path, "--output", folder.appendingPathComponent("public").path, "--no-search",
        "--as-of", "2026-11-15",
      ]
      #expect(Commands.build(try Build.parse(arguments + cache), console: built.console) == 0, "\(built.err)")
      #expect(built.out.contains("; 1 partner; accreditations 1 accredited;"), "\(built.out)")
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

  /// The README's example of `check`'s output is what `check` prints for the sample content with Northwind
  /// Digital's `tiers:` misspelt `teir:`.
  @Test func theCheckExampleIsWhatCheckPrints() throws {
    let readme = try String(contentsOf: repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8)
    let lines = readme.split(separator: "\n", omittingEmptySubsequences: false)
    let start = try #require(lines.firstIndex { $0.hasPrefix("- **`check`**") })
    let open = try #require(lines[start...].firstIndex { $0.trimmingCharacters(in: .whitespaces) == "```" })
    let close = try #require(
      lines[(open + 1)...].firstIndex { $0.trimmingCharacters(in: .whitespaces) == "```" })
    let example = lines[(open + 1)..<close].map { $0.dropFirst(2) + "\n" }.joined()
    try withTemporaryFolder { folder in
      let content = folder.appendingPathComponent("content")
      try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("content"), to: content)
      let record = content.appendingPathComponent("partners/northwind-digital.yaml")
      let text = try String(contentsOf: record, encoding: .utf8)
      try Data(text.replacingOccurrences(of: "\ntiers:\n", with: "\nteir:\n").utf8).write(to: record)
      let captured = Captured()
      let arguments = ["check", "--content", content.path, "--cache", folder.appendingPathComponent(".c").path]
      let check = try #require(try Accredit.parseAsRoot(arguments) as? Check)
      #expect(Commands.check(check, console: captured.console) == 1)
      #expect(captured.err.replacingOccurrences(of: content.path + "/", with: "content/") == example)
    }
  }

  private static let commandNames: Set<String> = ["build", "check", "serve", "changes", "upcoming", "new"]

  /// `code → the command names its text mentions`, from a list written `Exit codes: 0 …; 1 …; … .`
  private func exitCodes(inList text: String) throws -> [Int32: Set<String>] {
    let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ")
    let start = try #require(flat.range(of: "Exit codes"), "no 'Exit codes' in \(text)")
    let list = flat[start.upperBound...].drop { $0 != ":" }.dropFirst()
    let end = list.range(of: ". ")?.lowerBound ?? list.endIndex
    var codes: [Int32: Set<String>] = [:]
    for entry in list[..<end].split(separator: ";") {
      let words = entry.split { !$0.isLetter && !$0.isNumber }
      let code = try #require(words.first.flatMap { Int32($0) }, "an entry without a code: \(entry)")
      codes[code] = Set(words.map(String.init)).intersection(Self.commandNames)
    }
    return codes
  }

  /// `code → the command names its row mentions`, from the README's table of exit codes.
  private func exitCodes(inTable readme: String) -> [Int32: Set<String>] {
    var codes: [Int32: Set<String>] = [:]
    for line in readme.split(separator: "\n") where line.hasPrefix("| ") {
      let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
      guard cells.count == 2, let code = Int32(cells[0]) else { continue }
      codes[code] = Set(cells[1].split { !$0.isLetter }.map(String.init)).intersection(Self.commandNames)
    }
    return codes
  }

  /// The exit codes `accredit --help` lists are the README's table's and docs/ci.md's, and each entry there
  /// names (at least) the commands that `--help` names for it: a code `build` can return that the README
  /// gives only for `serve`, say, fails.
  @Test func theExitCodesInTheReadmeAndTheCIDocAreThoseOfHelp() throws {
    let help = try exitCodes(inList: Accredit.configuration.discussion)
    let readme = exitCodes(
      inTable: try String(contentsOf: repositoryRoot.appendingPathComponent("README.md"), encoding: .utf8))
    let ci = try exitCodes(
      inList: try String(contentsOf: repositoryRoot.appendingPathComponent("docs/ci.md"), encoding: .utf8))
    let statuses: Set<Int32> = [
      0, 1, 2, ExitCode.validationFailure.rawValue, ExitStatus.unavailable, ExitStatus.cannotWrite,
      ExitStatus.busy,
    ]
    #expect(Set(help.keys) == statuses, "--help lists every exit status the commands return")
    for (name, document) in [("README.md", readme), ("docs/ci.md", ci)] {
      #expect(Set(document.keys) == Set(help.keys), "\(name) lists the codes --help lists")
      for (code, commands) in help {
        let named = document[code] ?? []
        #expect(commands.isSubset(of: named), "\(name), exit \(code): --help names \(commands.sorted())")
      }
    }
  }
}

@Suite("Build stages")
struct BuildTimingsTests {
  @Test func timingsNameEveryStageInOrderAndSayWhenTheCacheAnswered() throws {
    try withTemporaryFolder { folder in
      let content = try agedSampleContent(in: folder)
      let arguments = [
        "--content", content.path, "--output", folder.appendingPathComponent("public").path, "--no-search",
        "--cache", folder.appendingPathComponent("cache").path, "--as-of", "2026-11-15", "--timings",
      ]
      let console = Captured()
      #expect(Commands.build(try Build.parse(arguments), console: console.console) == 0)
      let line = try #require(console.out.split(separator: "\n").first { $0.hasPrefix("timings: ") })
      let stages = line.dropFirst("timings: ".count).split(separator: ", ").map { $0.split(separator: " ").dropLast(2) }
      #expect(
        stages.map { $0.joined(separator: " ") } == [
          "cache check", "load", "templates", "evaluate", "plan", "render and write", "record",
        ], "\(line)")
      let again = Captured()
      #expect(Commands.build(try Build.parse(arguments), console: again.console) == 0)
      #expect(again.out.contains("timings: the build cache answered; no stage ran"), "\(again.out)")
    }
  }
}
