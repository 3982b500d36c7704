import AccreditContent
import AccreditEngine
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
      #expect(try problems(in: content, for: "cases/bluefin-consulting/BC-2026-001.md").isEmpty)
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
      let escape = try new(["partner", "../outside"], content: content)
      #expect(escape.code == 1)
      #expect(escape.err.contains("may use only letters, digits"))
      #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("outside.yaml").path))
      #expect(!FileManager.default.fileExists(atPath: content.appendingPathComponent("cases/northwind-digtal").path))
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
