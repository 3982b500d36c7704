import AccreditContent
import AccreditEngine
@testable import AccreditSite
import Foundation
import Testing

/// The page model of partner `p` (a record made from `healthyPartner`, with `cases`) as of `asOf`.
private func partnerPage(
  _ record: String, cases: [String: String] = [:], asOf: String = "2026-11-15",
  sourceLocation: Testing.SourceLocation = #_sourceLocation
) throws -> PartnerPage {
  var files = ["partners/p.yaml": record]
  for (id, text) in cases { files["cases/p/\(id).md"] = text }
  let loaded = Tree(files).load()
  let errors = loaded.diagnostics.filter { $0.severity == .error }
  #expect(errors.isEmpty, "fixture has errors: \(errors)", sourceLocation: sourceLocation)
  let day = Day(asOf)
  let evaluations = Evaluator(standards: loaded.content.standards)
    .evaluate(loaded.content.partners, cases: loaded.content.cases, asOf: day)
  let site = SiteContext(content: loaded.content, evaluations: evaluations, asOf: day)
  let evaluation = try #require(evaluations.first, sourceLocation: sourceLocation)
  return try #require(site.partnerPage(evaluation), sourceLocation: sourceLocation)
}

@Suite("The partner page (issue 24, item 6)")
struct PartnerPageTests {
  @Test func aRevokedAccreditationHasNoNextEvaluation() throws {
    let page = try partnerPage(
      partner(
        adding: "decisions:\n  - { date: 2026-09-01, accreditation: crm, outcome: revoke, director_approval: true }"))
    let card = try #require(page.accreditations.first)
    #expect(card.status.key == "revoked")
    #expect(card.nextEvaluation == nil && card.nextEvaluationIn == nil)
    // Nor on the timeline: no next-evaluation ring, no event for it.
    #expect(!page.timeline.markers.contains { $0.kind == "evaluation-next" })
    #expect(!page.timeline.events.contains { $0.text.contains("next evaluation") })
  }

  @Test func anAccreditedOneKeepsItsNextEvaluation() throws {
    let page = try partnerPage(healthyPartner)
    #expect(page.accreditations.first?.nextEvaluation?.iso == "2027-03-15")
    #expect(page.timeline.markers.contains { $0.kind == "evaluation-next" })
  }

  @Test func inGraceIsSaidWhenTheTierIsBelow() throws {
    let page = try partnerPage(
      partner(replacing: "tier: platinum", with: "tier: gold") + "\ngrace:\n  - { from: 2026-07-01, until: 2026-12-31 }"
    )
    #expect(page.inGrace)
    #expect(
      page.tierText == "below the eligible tiers (platinum, diamond, elite). A grace period runs until 31 Dec 2026.")
  }

  @Test func inGraceIsSaidWhenTheTierIsEligibleToo() throws {
    // The list says "(in grace)" whenever a grace period covers the date; the page said nothing of it when
    // the tier was eligible.
    let page = try partnerPage(partner(adding: "grace:\n  - { from: 2026-07-01, until: 2026-12-31 }"))
    #expect(page.inGrace)
    #expect(page.tierText == "an eligible tier (platinum, diamond, elite). A grace period runs until 31 Dec 2026.")
  }

  @Test func noGraceNoWord() throws {
    let page = try partnerPage(partner(adding: "grace:\n  - { from: 2026-01-01, until: 2026-06-30 }"))
    #expect(!page.inGrace)
    #expect(!page.tierText.contains("grace"))
  }

  @Test func thePageSaysInGraceExactlyWhenTheListDoes() throws {
    let site = try sampleSiteContext()
    var inGrace: [String] = []
    for evaluation in site.evaluations {
      let page = try #require(site.partnerPage(evaluation))
      #expect(page.inGrace == site.partnerRow(evaluation).inGrace, "\(evaluation.slug)")
      if page.inGrace { inGrace.append(evaluation.slug) }
    }
    // Fabrikam below the eligible tiers, Summit Peak back at platinum with its grace period still running.
    #expect(inGrace == ["fabrikam-solutions", "summit-peak-partners"])
  }

  @Test func aFutureGraceExtensionIsScheduledNotInForce() throws {
    let page = try partnerPage(
      partner(replacing: "tier: platinum", with: "tier: gold") + """

        grace:
          - { from: 2026-07-01, until: 2026-11-15, note: First window }
          - { from: 2026-11-16, until: 2027-01-31, note: Extended to the January review }
        """)
    #expect(page.grace.map(\.from.iso) == ["2026-07-01"])
    let row = try #require(page.scheduled.first)
    #expect(page.scheduled.count == 1 && page.hasScheduled)
    #expect(row.date.iso == "2026-11-16" && row.inDays == "tomorrow")
    #expect(row.kind == "Grace period" && row.text == "Until 31 Jan 2027")
    #expect(row.note == "Extended to the January review")
    // Its anchor is its own line of the record, apart from the one in force.
    #expect(!page.grace.contains { $0.anchor == row.anchor })
  }

  @Test func everyKindOfFutureEntryIsScheduledSoonestFirstInWords() throws {
    let page = try partnerPage(
      """
      name: Test Partner
      tiers:
        - { reviewed: 2026-01-15, tier: platinum }
        - { reviewed: 2027-01-15, tier: gold }
      certifications:
        - { name: program, earned: 2025-01-01 }
        - { name: sales, earned: 2025-01-01, expires: 2027-06-01 }
        - { name: service, earned: 2026-12-05, expires: 2028-12-05 }
      accreditations:
        - { type: crm, issued: 2025-03-15 }
        - { type: migration, issued: 2026-12-01 }
      decisions:
        - { date: 2026-12-10, accreditation: crm, outcome: revoke, director_approval: true, note: Set by the board }
      """)
    #expect(
      page.scheduled.map(\.kind) == ["Accreditation", "Certification", "Review board decision", "Tier review"])
    #expect(
      page.scheduled.map(\.text) == [
        "Platform Migration issued", "Service Software earned; expires 5 Dec 2028",
        "Revoke CRM Implementation, director approved", "Gold (below the eligible tiers)",
      ])
    #expect(page.scheduled.map(\.date.iso) == ["2026-12-01", "2026-12-05", "2026-12-10", "2027-01-15"])
    // None of them is in force: the accreditation, the certification and the decision are not in the record
    // tables or the evaluation.
    #expect(page.accreditations.map(\.name) == ["CRM Implementation"])
    #expect(page.accreditations.first?.status.key == "accredited")
    #expect(!page.certifications.contains { $0.name == "Service Software" })
    #expect(page.decisions.isEmpty && page.tiers.count == 1)
  }

  @Test func nothingScheduledNoSection() throws {
    let page = try partnerPage(healthyPartner)
    #expect(page.scheduled.isEmpty && !page.hasScheduled)
  }

  struct HeadlineRow: CustomTestStringConvertible, Sendable {
    let count: Int
    let attention: Int
    let expected: String
    var testDescription: String { "\(attention) of \(count)" }
  }

  @Test(arguments: [
    HeadlineRow(count: 0, attention: 0, expected: "No accreditation issued as of 15 Nov 2026."),
    HeadlineRow(count: 1, attention: 0, expected: "Its accreditation meets every standard."),
    HeadlineRow(count: 1, attention: 1, expected: "Its accreditation needs attention."),
    HeadlineRow(count: 2, attention: 0, expected: "Both accreditations meet every standard."),
    HeadlineRow(count: 2, attention: 1, expected: "1 of 2 accreditations needs attention."),
    HeadlineRow(count: 2, attention: 2, expected: "All 2 accreditations need attention."),
    HeadlineRow(count: 3, attention: 0, expected: "All 3 accreditations meet every standard."),
    HeadlineRow(count: 3, attention: 2, expected: "2 of 3 accreditations need attention."),
  ])
  func headlineIsGrammatical(_ row: HeadlineRow) {
    #expect(
      SiteContext.headline(accreditations: row.count, needingAttention: row.attention, asOf: Day("2026-11-15"))
        == row.expected)
  }

  @Test func aSeriousCaseReasonNamesItsStageInWords() throws {
    let serious = """
      ---
      customer: A Customer
      serious: true
      steps:
        - { stage: complaint, date: 2026-10-01 }
        - { stage: review-board, date: 2026-10-05 }
      ---
      Notes.
      """
    let page = try partnerPage(healthyPartner, cases: ["S-1": serious])
    let messages = page.accreditations.flatMap(\.reasons).map(\.message)
    #expect(messages == ["Serious escalation S-1 is open at the review board stage"])
  }

  @Test func theSamplePartnerPagesShowNoStageSlugAndNoSingularPlural() throws {
    let request = SiteBuilder.Request(
      content: repositoryRoot.appendingPathComponent("content"), asOf: nil, today: Day("2026-11-15"))
    let files = try SiteBuilder.render(request).files
    let pages = files.filter { $0.path.hasPrefix("partners/") && $0.path.hasSuffix("/index.html") }
    #expect(pages.count > 15)
    for page in pages {
      // The text a reader sees: tags and attribute values removed.
      let text = String(decoding: page.bytes, as: UTF8.self)
        .replacingOccurrences(of: "<[^>]*>", with: " ", options: .regularExpression)
      for slug in ["review-board", "partner-ops"] { #expect(!text.contains(slug), "\(page.path): \(slug)") }
      for wrong in ["All 1 accreditation", "1 of 1 accreditation", " 1 events", " 1 marks"] {
        #expect(!text.contains(wrong), "\(page.path): \(wrong)")
      }
    }
  }
}
