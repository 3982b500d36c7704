import AccreditContent
import AccreditEngine
import AccreditMarkdown
import ArgumentParser
import Foundation
import Testing

@testable import AccreditCLI

@Suite("accredit new: skeletons that pass check, never overwriting")
struct NewTests {
  /// Runs `accredit new …` against `content`; returns the exit status and what was printed.
  private func new(_ arguments: [String], content: URL) throws -> (code: Int32, out: String, err: String) {
    let captured = Captured()
    let parsed = try Accredit.parseAsRoot(["new"] + arguments + ["--content", content.path])
    let code: Int32 =
      switch parsed {
      case let partner as NewPartner: Commands.newPartner(partner, console: captured.console)
      case let escalation as NewCase: Commands.newCase(escalation, console: captured.console)
      default: -1
      }
    return (code, captured.out, captured.err)
  }

  private func problems(in content: URL, for path: String) throws -> [Diagnostic] {
    try ContentFolder.load(content).diagnostics.filter { $0.location.file == path }
  }

  @Test func aNewPartnerAndItsFirstCasePassCheckAsWritten() throws {
    try withTemporaryFolder { folder in
      let content = folder.appendingPathComponent("content")
      try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("content"), to: content)

      let partner = try new(["partner", "bluefin-consulting"], content: content)
      #expect(partner.code == 0, "\(partner.err)")
      let record = try String(
        contentsOf: content.appendingPathComponent("partners/bluefin-consulting.yaml"), encoding: .utf8)
      #expect(record.contains("name: Bluefin Consulting\n"))
      // The sample's as_of is 2026-11-15; tiers are reviewed in January and June; platinum is the lowest
      // eligible tier.
      #expect(record.contains("- { reviewed: 2026-06-30, tier: platinum }"))
      #expect(try problems(in: content, for: "partners/bluefin-consulting.yaml").isEmpty)

      let escalation = try new(["case", "bluefin-consulting", "BC-2026-001"], content: content)
      #expect(escalation.code == 0, "\(escalation.err)")
      #expect(
        escalation.out
          == "Wrote \(content.path)/cases/bluefin-consulting/BC-2026-001.md: fill it in, then run accredit check.\n")
      let note = try String(
        contentsOf: content.appendingPathComponent("cases/bluefin-consulting/BC-2026-001.md"), encoding: .utf8)
      #expect(note.contains("- { stage: complaint, date: 2026-11-15 }"))
      // Its only problem is the warning about the customer's name, which only a person can fill in.
      let problems = try problems(in: content, for: "cases/bluefin-consulting/BC-2026-001.md")
      #expect(problems.map(\.severity) == [.warning])
      #expect(problems.first?.message.hasPrefix("placeholder '[fill in: the customer's name]'") == true)
    }
  }

  @Test func anExistingFileIsNeverOverwritten() throws {
    try withTemporaryFolder { folder in
      let content = folder.appendingPathComponent("content")
      try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("content"), to: content)
      let path = content.appendingPathComponent("partners/northwind-digital.yaml")
      let before = try Data(contentsOf: path)
      let result = try new(["partner", "northwind-digital"], content: content)
      #expect(result.code == 1)
      #expect(
        result.err.contains("partners/northwind-digital.yaml already exists; accredit new never overwrites a file"))
      #expect(try Data(contentsOf: path) == before)
    }
  }

  @Test func aCaseForAnUnknownPartnerOrABadNameIsRefused() throws {
    try withTemporaryFolder { folder in
      let content = folder.appendingPathComponent("content")
      try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("content"), to: content)
      let typo = try new(["case", "northwind-digtal", "NW-1"], content: content)
      #expect(typo.code == 1)
      #expect(typo.err.contains("no partner record partners/northwind-digtal.yaml (did you mean 'northwind-digital'?)"))
      #expect(!FileManager.default.fileExists(atPath: content.appendingPathComponent("cases/northwind-digtal").path))
    }
  }

  @Test(arguments: [
    ["partner", "Bad Slug"], ["partner", "../outside"], ["case", "northwind-digital", "NW 1"],
    ["case", "northwind-digital", "../../outside"],
  ])
  func aBadSlugOrCaseIdIsBadUsage(_ arguments: [String]) throws {
    try withTemporaryFolder { folder in
      let content = folder.appendingPathComponent("content")
      try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("content"), to: content)
      let before = try filesBelow(folder).keys.sorted()
      do {
        _ = try Accredit.parseAsRoot(["new"] + arguments + ["--content", content.path])
        Issue.record("parsed \(arguments)")
      } catch {
        #expect(Accredit.exitCode(for: error) == .validationFailure, "exit 64, as the README's bad usage")
        #expect(Accredit.message(for: error).contains("may use only letters, digits"))
      }
      #expect(try filesBelow(folder).keys.sorted() == before, "nothing written")
    }
  }

  @Test func theCaseSkeletonsPlaceholderWarnsUntilReplacedAndItsPromptIsNeverPublished() throws {
    try withTemporaryFolder { folder in
      for (path, text) in Tree(["partners/bluefin.yaml": healthyPartner]).files {
        let url = folder.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
      }
      #expect(try new(["case", "bluefin", "BF-1", "--as-of", "2026-11-15"], content: folder).code == 0)
      let cache = ["--cache", folder.appendingPathComponent(".cache").path]
      func check(_ options: [String]) throws -> (code: Int32, err: String) {
        let captured = Captured()
        let command = try #require(
          try Accredit.parseAsRoot(["check", "--content", folder.path] + options + cache) as? Check)
        return (Commands.check(command, console: captured.console), captured.err)
      }
      let warned = try check([])
      #expect(warned.code == 0, "a warning: the skeleton passes check")
      #expect(
        warned.err.hasPrefix(
          "\(folder.path)/cases/bluefin/BF-1.md:2:12: warning: placeholder '[fill in: the customer's name]' left "
            + "from accredit new: replace it before the site is published\n"))
      #expect(try check(["--strict"]).code == 1, "an error with --strict")

      let file = folder.appendingPathComponent("cases/bluefin/BF-1.md")
      let note = try String(contentsOf: file, encoding: .utf8)
      // The prompt for the notes is a comment, which safe-mode Markdown never shows.
      let body = try #require(note.split(separator: "---\n", maxSplits: 2).last)
      #expect(body.contains("what the customer reported"))
      #expect(!Markdown.html(from: String(body)).contains("customer"))

      try Data(note.replacingOccurrences(of: "\"[fill in: the customer's name]\"", with: "Ada Lovelace").utf8)
        .write(to: file)
      let replaced = try check(["--strict"])
      #expect(replaced.code == 0, "\(replaced.err)")
    }
  }

  @Test(arguments: [
    ("2026-11-15", [1, 6], "2026-06-30"), ("2026-01-10", [1, 6], "2026-01-10"), ("2026-03-01", [1, 6], "2026-01-31"),
    ("2026-02-01", [6], "2025-06-30"), ("2026-05-20", [], "2026-05-20"),
  ])
  func theTierReviewDateIsTheLatestInAReviewMonth(asOf: String, months: [Int], expected: String) {
    #expect(Skeleton.lastReview(on: Day(asOf), months: months).iso == expected)
  }
}
