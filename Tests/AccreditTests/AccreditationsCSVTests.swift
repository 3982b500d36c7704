import AccreditContent
import AccreditEngine
@testable import AccreditSite
import Foundation
import Testing

@Suite("api/accreditations.csv")
struct AccreditationsCSVTests {
  struct FieldCase: CustomTestStringConvertible, Sendable {
    let name: String
    let value: String
    let written: String
    var testDescription: String { name }
  }

  @Test(arguments: [
    FieldCase(name: "plain text as it is", value: "Northwind Digital", written: "Northwind Digital"),
    FieldCase(name: "empty stays empty", value: "", written: ""),
    FieldCase(name: "a comma quotes", value: "Roe, Jane", written: "\"Roe, Jane\""),
    FieldCase(name: "a quote is doubled inside quotes", value: "The \"best\"", written: "\"The \"\"best\"\"\""),
    FieldCase(name: "a line feed quotes", value: "one\ntwo", written: "\"one\ntwo\""),
    FieldCase(name: "CRLF quotes", value: "one\r\ntwo", written: "\"one\r\ntwo\""),
    FieldCase(name: "= is defused", value: "=1+2", written: "'=1+2"),
    FieldCase(name: "+ is defused", value: "+49 30", written: "'+49 30"),
    FieldCase(name: "- is defused", value: "-3", written: "'-3"),
    FieldCase(name: "@ is defused", value: "@SUM(A1)", written: "'@SUM(A1)"),
    FieldCase(name: "a leading tab is defused", value: "\tx", written: "'\tx"),
    FieldCase(name: "a leading CR is defused and quoted", value: "\rx", written: "\"'\rx\""),
    FieldCase(
      name: "a formula with quotes is defused, then quoted", value: "=HYPERLINK(\"x\")",
      written: "\"'=HYPERLINK(\"\"x\"\")\""),
    FieldCase(name: "only the first character counts", value: "a=b-c", written: "a=b-c"),
  ])
  func fields(_ row: FieldCase) {
    #expect(AccreditationsCSV.field(row.value) == row.written)
  }

  /// Three partners with hostile fields; names with line breaks are set in memory (a record's name is one
  /// line of YAML, but the CSV must not depend on that).
  @Test func theFileIsExactlyTheSpecifiedBytes() throws {
    let gamma =
      healthyPartner.replacingOccurrences(of: "Test Partner", with: "'-minus'")
      + "\ndecisions:\n  - { date: 2026-09-01, accreditation: crm, outcome: revoke, director_approval: true }"
    let beta = healthyPartner.replacingOccurrences(of: "tier: platinum", with: "tier: gold")
      .replacingOccurrences(of: "expires: 2027-06-01", with: "expires: 2026-01-01")
    let loaded = Tree([
      "partners/alpha.yaml": healthyPartner.replacingOccurrences(of: "Test Partner", with: "'=HYPERLINK(\"x\")'")
        + "\npdm: Roe, Jane\nregion: +EMEA",
      "partners/beta.yaml": beta, "partners/gamma.yaml": gamma,
    ]).load()
    #expect(!loaded.diagnostics.hasErrors, "\(loaded.diagnostics)")
    var content = loaded.content
    for index in content.partners.indices where content.partners[index].slug == "beta" {
      content.partners[index].name = "Line one\r\nline \"two\""
      content.partners[index].pdm = "@pdm"
      content.partners[index].region = "\tAPAC"
    }
    for index in content.partners.indices where content.partners[index].slug == "gamma" {
      content.partners[index].pdm = "\rcarriage"
    }
    let renderer = SiteBuilder.renderer(
      for: content, asOf: Day("2026-11-15"), contentName: "content", templates: try TemplateSet.builtIn())
    let job = try #require(renderer.jobs().first { $0.path == "api/accreditations.csv" })
    let bytes = try job.render()
    let expected =
      "partner,name,pdm,region,tier,accreditation,issued,status,next_evaluation,marks,open_cases,reasons\r\n"
      + "alpha,\"'=HYPERLINK(\"\"x\"\")\",\"Roe, Jane\",'+EMEA,platinum,crm,2025-03-15,accredited,2027-03-15,0,0,\r\n"
      + "beta,\"Line one\r\nline \"\"two\"\"\",'@pdm,'\tAPAC,gold,crm,2025-03-15,ineligible,2027-03-15,0,0,"
      + "\"Tier gold (reviewed 15 Jan 2026) is below the eligible tiers (platinum, diamond, elite) and no grace "
      + "period covers 15 Nov 2026; Sales Software expired 1 Jan 2026\"\r\n"
      + "gamma,'-minus,\"'\rcarriage\",,platinum,crm,2025-03-15,revoked,,0,0,"
      + "Revoked by the review board on 1 Sep 2026 with director approval\r\n"
    #expect(bytes == Array(expected.utf8))
    #expect(bytes.prefix(3) != [0xEF, 0xBB, 0xBF], "no byte-order mark")
  }

  @Test func oneRowPerAccreditationInTheOrderOfStatusJSON() throws {
    let loaded = ContentLoader.load(try ContentFolder.read(repositoryRoot.appendingPathComponent("content")).files)
    let asOf = Day("2026-11-15")
    let evaluations = Evaluator(standards: loaded.content.standards)
      .evaluate(loaded.content.partners, cases: loaded.content.cases, asOf: asOf)
    let document = StatusDocument(evaluations: evaluations, asOf: asOf, contentName: "content")
    let partners = Dictionary(uniqueKeysWithValues: loaded.content.partners.map { ($0.slug, $0) })
    let text = String(decoding: AccreditationsCSV.bytes(evaluations: evaluations, partners: partners), as: UTF8.self)
    // The sample has no line break inside a field: a row is a line.
    let rows = text.split(separator: "\r\n", omittingEmptySubsequences: false).dropFirst().dropLast()
    let keys = rows.map { $0.split(separator: ",", omittingEmptySubsequences: false).prefix(8).map(String.init) }
    let expected = document.partners.flatMap { partner in
      partner.accreditations.map { [partner.slug, $0.type, $0.issued, $0.status] }
    }
    #expect(keys.map { [$0[0], $0[5], $0[6], $0[7]] } == expected)
    #expect(text.hasSuffix("\r\n") && !text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
  }
}
