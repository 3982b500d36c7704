import AccreditContent
import AccreditEngine
import AccreditFixtures
@testable import AccreditSite
import Foundation
import Testing

/// A partner accredited from its issue date on 2025-03-15 (platinum since January 2025, every
/// certification held), which each scenario changes.
private let steadyPartner = """
  name: History Partner
  tiers:
    - { reviewed: 2025-01-15, tier: platinum }
  certifications:
    - { name: program, earned: 2025-01-01 }
    - { name: sales, earned: 2025-01-01 }
  accreditations:
    - { type: crm, issued: 2025-03-15 }
  """

private func steady(replacing old: String, with new: String) -> String {
  steadyPartner.replacingOccurrences(of: old, with: new)
}

private func steady(adding yaml: String) -> String { steadyPartner + "\n" + yaml }

/// Loads `partner` (as `partners/p.yaml`) and its cases; expects no errors.
private func loaded(partner: String, cases: [String: String] = [:]) -> ContentLoader.Result {
  var files = ["partners/p.yaml": partner]
  for (id, text) in cases { files["cases/p/\(id).md"] = text }
  let result = Tree(files).load()
  #expect(!result.diagnostics.hasErrors, "fixture has errors: \(result.diagnostics)")
  return result
}

/// A change as a line: `2026-02-01 at-risk certification`.
private func line(_ change: AccreditationHistory.Change) -> String {
  ([change.date.iso, change.status.rawValue] + change.rules.map(\.rawValue)).joined(separator: " ")
}

struct HistoryScenario: CustomTestStringConvertible, Sendable {
  let name: String
  var partner = steadyPartner
  var cases: [String: String] = [:]
  var through = "2026-11-15"
  let changes: [String]
  var testDescription: String { name }
}

@Suite("History: the days a status changed")
struct HistoryTests {
  static let seriousCase = """
    ---
    customer: C
    serious: true
    steps:
      - { stage: complaint, date: 2026-10-01 }
      - { stage: review-board, date: 2026-10-03 }
    outcome: { decision: no-fault, date: 2026-10-20 }
    ---
    """

  @Test(arguments: [
    HistoryScenario(name: "nothing changes: the issue date alone", changes: ["2025-03-15 accredited"]),
    HistoryScenario(
      name: "a certification expires and is renewed",
      partner: steady(
        replacing: "  - { name: sales, earned: 2025-01-01 }",
        with: "  - { name: sales, earned: 2025-01-01, expires: 2026-02-01 }\n  - { name: sales, earned: 2026-03-10 }"),
      changes: ["2025-03-15 accredited", "2026-02-01 at-risk certification", "2026-03-10 accredited"]),
    HistoryScenario(
      name: "a grace period begins, and ends the day after its until",
      partner: steady(
        replacing: "  - { reviewed: 2025-01-15, tier: platinum }",
        with: "  - { reviewed: 2025-01-15, tier: platinum }\n  - { reviewed: 2026-06-15, tier: gold }")
        + "\ngrace:\n  - { from: 2026-07-01, until: 2026-09-30 }",
      changes: [
        "2025-03-15 accredited", "2026-06-15 ineligible tier", "2026-07-01 at-risk grace",
        "2026-10-01 ineligible tier",
      ]),
    HistoryScenario(
      name: "a tier review drops eligibility and the next restores it",
      partner: steady(
        replacing: "  - { reviewed: 2025-01-15, tier: platinum }",
        with:
          "  - { reviewed: 2025-01-15, tier: platinum }\n  - { reviewed: 2026-01-20, tier: gold }\n"
          + "  - { reviewed: 2026-06-20, tier: platinum }"),
      changes: ["2025-03-15 accredited", "2026-01-20 ineligible tier", "2026-06-20 accredited"]),
    HistoryScenario(
      name: "a serious case opens (its first step) and closes (its outcome); its later step changes nothing",
      cases: ["S-1": seriousCase],
      changes: ["2025-03-15 accredited", "2026-10-01 under-review serious-case", "2026-10-20 accredited"]),
    HistoryScenario(
      name: "a fourth mark, then a retain decision",
      partner: steady(adding: "decisions:\n  - { date: 2026-05-01, accreditation: crm, outcome: retain }"),
      cases: MarkRuleTests.fourMarks,
      changes: ["2025-03-15 accredited", "2026-04-10 under-review marks", "2026-05-01 accredited"]),
    HistoryScenario(
      name: "a revocation, then a rule that changes while revoked",
      partner: steady(
        replacing: "  - { name: sales, earned: 2025-01-01 }",
        with: "  - { name: sales, earned: 2025-01-01, expires: 2026-10-01 }")
        + "\ndecisions:\n  - { date: 2026-09-01, accreditation: all, outcome: revoke, director_approval: true }",
      changes: ["2025-03-15 accredited", "2026-09-01 revoked decision", "2026-10-01 revoked certification decision"]),
    HistoryScenario(
      name: "issued before the first tier review: ineligible until it",
      partner: steady(replacing: "issued: 2025-03-15", with: "issued: 2025-01-10"),
      changes: ["2025-01-10 ineligible tier", "2025-01-15 accredited"]),
    HistoryScenario(
      name: "nothing after the date is listed",
      partner: steady(
        replacing: "  - { name: sales, earned: 2025-01-01 }",
        with: "  - { name: sales, earned: 2025-01-01, expires: 2026-11-16 }"),
      changes: ["2025-03-15 accredited"]),
    HistoryScenario(
      name: "a change on the date is listed",
      partner: steady(
        replacing: "  - { name: sales, earned: 2025-01-01 }",
        with: "  - { name: sales, earned: 2025-01-01, expires: 2026-11-16 }"),
      through: "2026-11-16", changes: ["2025-03-15 accredited", "2026-11-16 at-risk certification"]),
  ])
  func changes(_ row: HistoryScenario) throws {
    let content = loaded(partner: row.partner, cases: row.cases).content
    let partner = try #require(content.partners.first)
    let history = Evaluator(standards: content.standards)
      .history(of: partner, cases: content.cases, through: Day(row.through))
    #expect(history.accreditations.map(\.type) == ["crm"])
    #expect(history.accreditations.first?.changes.map(line) == row.changes)
  }

  @Test func theAccreditationsAreThoseOfStatusJSONInItsOrder() throws {
    let yaml = steady(
      adding: """
          - { type: migration, issued: 2026-02-01 }
          - { type: crm, issued: 2024-12-01 }
          - { type: migration, issued: 2026-11-16 }
        """)
    let content = loaded(partner: yaml).content
    let partner = try #require(content.partners.first)
    let evaluator = Evaluator(standards: content.standards)
    let history = evaluator.history(of: partner, cases: [], through: Day("2026-11-15"))
    let evaluation = evaluator.evaluate(partner, cases: [], asOf: Day("2026-11-15"))
    #expect(
      history.accreditations.map { "\($0.type)@\($0.issued)" } == [
        "crm@2024-12-01", "crm@2025-03-15", "migration@2026-02-01",
      ])
    #expect(
      history.accreditations.map { "\($0.type)@\($0.issued)" }
        == evaluation.accreditations.map { "\($0.type)@\($0.issued)" })
    #expect(history.accreditations.allSatisfy { $0.changes.first?.date == $0.issued })
    #expect(
      history.accreditations[0].changes.map(line) == [
        "2024-12-01 ineligible certification tier", "2025-01-01 ineligible tier", "2025-01-15 accredited",
      ])
  }

  @Test func aPartnerWithoutAccreditationsHasAnEmptyHistory() throws {
    let content = loaded(partner: steady(replacing: "issued: 2025-03-15", with: "issued: 2027-01-01")).content
    let partner = try #require(content.partners.first)
    let history = Evaluator(standards: content.standards).history(of: partner, cases: [], through: Day("2026-11-15"))
    #expect(history == PartnerHistory(slug: "p", accreditations: []))
  }
}

@Suite("History: the same as evaluating every day")
struct HistoryPropertyTests {
  /// Every accreditation's changes found by evaluating every day from its issue date to `day`, by
  /// `type@issued`.
  private func everyDay(_ partner: Partner, cases: [EscalationCase], through day: Day, evaluator: Evaluator)
    -> [String: [AccreditationHistory.Change]]
  {
    var changes: [String: [AccreditationHistory.Change]] = [:]
    guard var date = partner.accreditations.map(\.issued).min() else { return [:] }
    while date <= day {
      for accreditation in evaluator.evaluate(partner, cases: cases, asOf: date).accreditations {
        let key = "\(accreditation.type)@\(accreditation.issued)"
        let rules = Set(accreditation.reasons.map(\.rule)).sorted { $0.rawValue < $1.rawValue }
        if let last = changes[key]?.last, last.status == accreditation.status, last.rules == rules { continue }
        changes[key, default: []].append(.init(date: date, status: accreditation.status, rules: rules))
      }
      date = date.adding(days: 1)
    }
    return changes
  }

  private func generated(seed: UInt64) -> Content {
    var files: [ContentFile] = []
    FixtureGenerator(partners: 14, casesPerPartner: 5, seed: seed).generate { path, text in
      files.append(ContentFile(path: path, text: text))
    }
    let result = ContentLoader.load(files)
    #expect(!result.diagnostics.hasErrors)
    return result.content
  }

  @Test(arguments: [
    (UInt64(1), "2026-11-15"), (2, "2026-11-15"), (3, "2026-06-20"), (4, "2025-12-31"), (5, "2026-11-15"),
  ])
  func historyEqualsEvaluatingEveryDay(seed: UInt64, through: String) throws {
    let content = generated(seed: seed)
    let evaluator = Evaluator(standards: content.standards)
    let day = Day(through)
    let casesByPartner = Dictionary(grouping: content.cases, by: \.partnerSlug)
    var changed = 0
    for partner in content.partners {
      let cases = casesByPartner[partner.slug] ?? []
      let history = evaluator.history(of: partner, cases: cases, through: day)
      let expected = everyDay(partner, cases: cases, through: day, evaluator: evaluator)
      let found = Dictionary(
        history.accreditations.map { ("\($0.type)@\($0.issued)", $0.changes) }, uniquingKeysWith: { first, _ in first })
      #expect(found == expected, "\(partner.slug)")
      changed += history.accreditations.map { $0.changes.count - 1 }.reduce(0, +)
    }
    #expect(changed > 0, "the fixture changes statuses after issue")
  }

  @Test(arguments: [UInt64(1), 2, 3])
  func monthCountsEqualEvaluatingOnEachMonthsDate(seed: UInt64) throws {
    let content = generated(seed: seed)
    let evaluator = Evaluator(standards: content.standards)
    let day = Day("2026-11-15")
    let months = Evaluator.programMonths(
      evaluator.histories(content.partners, cases: content.cases, through: day), through: day)
    #expect(months.count == 24)
    #expect(months.first?.month.iso == "2024-12" && months.first?.date == Day("2024-12-31"))
    #expect(months.last?.month.iso == "2026-11" && months.last?.date == day)
    for month in months {
      let evaluations = evaluator.evaluate(content.partners, cases: content.cases, asOf: month.date)
      let statuses = evaluations.flatMap(\.accreditations).map(\.status)
      let expected = Dictionary(
        uniqueKeysWithValues: AccreditationStatus.allCases.map { status in (status, statuses.count { $0 == status }) })
      #expect(month.accreditations == expected, "\(month.month)")
      #expect(month.partners == evaluations.count { !$0.accreditations.isEmpty }, "\(month.month)")
    }
  }

  @Test func monthDatesAreEachMonthsLastDayAndTheDateInItsMonth() {
    let months = Evaluator.programMonths([], through: Day("2024-03-05"))
    #expect(months.map(\.date.iso).suffix(4) == ["2023-12-31", "2024-01-31", "2024-02-29", "2024-03-05"])
    #expect(months.first?.month.iso == "2022-04" && months.first?.date == Day("2022-04-30"))
    #expect(months.allSatisfy { $0.partners == 0 && $0.accreditations.values.allSatisfy { $0 == 0 } })
    #expect(months.allSatisfy { Set($0.accreditations.keys) == Set(AccreditationStatus.allCases) })
  }
}

@Suite("api/history.json")
struct HistoryJSONTests {
  @Test func theFileHasTheSpecifiedShape() throws {
    let expiring = steady(
      replacing: "  - { name: sales, earned: 2025-01-01 }",
      with: "  - { name: sales, earned: 2025-01-01, expires: 2026-02-01 }\n  - { name: sales, earned: 2026-03-10 }")
    let content = Tree([
      "partners/b-partner.yaml": expiring,
      "partners/a-none.yaml": steady(replacing: "issued: 2025-03-15", with: "issued: 2027-01-01"),
    ]).load().content
    let renderer = SiteBuilder.renderer(
      for: content, asOf: Day("2026-11-15"), contentName: "content", templates: try TemplateSet.builtIn())
    let job = try #require(renderer.jobs().first { $0.path == "api/history.json" })
    let text = String(decoding: try job.render(), as: UTF8.self)

    func month(_ month: String, _ date: String, partners: Int, accredited: Int = 0, atRisk: Int = 0) -> String {
      "    {\"month\":\"\(month)\",\"date\":\"\(date)\",\"partners\":\(partners),\"accreditations\":"
        + "{\"accredited\":\(accredited),\"at-risk\":\(atRisk),\"under-review\":0,\"ineligible\":0,\"revoked\":0}}"
    }
    let monthLines = [
      month("2024-12", "2024-12-31", partners: 0), month("2025-01", "2025-01-31", partners: 0),
      month("2025-02", "2025-02-28", partners: 0), month("2025-03", "2025-03-31", partners: 1, accredited: 1),
      month("2025-04", "2025-04-30", partners: 1, accredited: 1),
      month("2025-05", "2025-05-31", partners: 1, accredited: 1),
      month("2025-06", "2025-06-30", partners: 1, accredited: 1),
      month("2025-07", "2025-07-31", partners: 1, accredited: 1),
      month("2025-08", "2025-08-31", partners: 1, accredited: 1),
      month("2025-09", "2025-09-30", partners: 1, accredited: 1),
      month("2025-10", "2025-10-31", partners: 1, accredited: 1),
      month("2025-11", "2025-11-30", partners: 1, accredited: 1),
      month("2025-12", "2025-12-31", partners: 1, accredited: 1),
      month("2026-01", "2026-01-31", partners: 1, accredited: 1),
      month("2026-02", "2026-02-28", partners: 1, atRisk: 1),
      month("2026-03", "2026-03-31", partners: 1, accredited: 1),
      month("2026-04", "2026-04-30", partners: 1, accredited: 1),
      month("2026-05", "2026-05-31", partners: 1, accredited: 1),
      month("2026-06", "2026-06-30", partners: 1, accredited: 1),
      month("2026-07", "2026-07-31", partners: 1, accredited: 1),
      month("2026-08", "2026-08-31", partners: 1, accredited: 1),
      month("2026-09", "2026-09-30", partners: 1, accredited: 1),
      month("2026-10", "2026-10-31", partners: 1, accredited: 1),
      month("2026-11", "2026-11-15", partners: 1, accredited: 1),
    ]
    let expected = """
      {
        "schema": 1,
        "as_of": "2026-11-15",
        "months": [
      \(monthLines.joined(separator: ",\n"))
        ],
        "partners": [
          {"slug":"a-none","accreditations":[]},
          {"slug":"b-partner","accreditations":[{"type":"crm","issued":"2025-03-15","changes":[{"date":"2025-03-15","status":"accredited","rules":[]},{"date":"2026-02-01","status":"at-risk","rules":["certification"]},{"date":"2026-03-10","status":"accredited","rules":[]}]}]}
        ]
      }

      """
    #expect(text == expected)
    #expect(try JSONSerialization.jsonObject(with: Data(text.utf8)) is [String: Any], "it is JSON")
  }
}
