import Foundation
import AccreditContent
import AccreditEngine
import Testing

/// One scenario of an evaluation rule: a partner record (a change of `healthyPartner`), its cases, a date,
/// and the status and reasons expected for its single accreditation.
struct StatusScenario: CustomTestStringConvertible, Sendable {
  let name: String
  var partner: String = healthyPartner
  var cases: [String: String] = [:]
  var asOf = "2026-11-15"
  let status: AccreditationStatus
  var rules: [Rule] = []
  var testDescription: String { name }
}

/// `healthyPartner` with extra YAML appended.
func partner(adding yaml: String) -> String { healthyPartner + "\n" + yaml }

/// `healthyPartner` with one line replaced.
func partner(replacing old: String, with new: String) -> String {
  healthyPartner.replacingOccurrences(of: old, with: new)
}

private func check(_ row: StatusScenario) throws {
  let evaluation = try #require(evaluate(partner: row.partner, cases: row.cases, asOf: row.asOf))
  let accreditation = try #require(evaluation.accreditations.first)
  #expect(accreditation.status == row.status)
  #expect(accreditation.reasons.map(\.rule) == row.rules)
}

@Suite("Evaluation: tier and grace")
struct TierRuleTests {
  @Test(arguments: [
    StatusScenario(name: "platinum with every certification is accredited", status: .accredited),
    StatusScenario(
      name: "gold without grace is ineligible",
      partner: partner(replacing: "tier: platinum", with: "tier: gold"), status: .ineligible, rules: [.tier]),
    StatusScenario(
      name: "the latest review on or before the date counts",
      partner: partner(
        replacing: "  - { reviewed: 2026-01-15, tier: platinum }",
        with: "  - { reviewed: 2026-01-15, tier: platinum }\n  - { reviewed: 2026-06-30, tier: gold }"),
      status: .ineligible, rules: [.tier]),
    StatusScenario(
      name: "a tier review dated after the date is not yet in force",
      partner: partner(
        replacing: "  - { reviewed: 2026-01-15, tier: platinum }",
        with: "  - { reviewed: 2026-01-15, tier: platinum }\n  - { reviewed: 2027-01-10, tier: gold }"),
      status: .accredited),
    StatusScenario(
      name: "no tier review yet on the date is ineligible",
      partner: partner(replacing: "reviewed: 2026-01-15", with: "reviewed: 2027-01-15"),
      status: .ineligible, rules: [.tier]),
    StatusScenario(
      name: "gold in grace is at risk",
      partner: partner(replacing: "tier: platinum", with: "tier: gold")
        + "\ngrace:\n  - { from: 2026-07-01, until: 2026-12-31 }",
      status: .atRisk, rules: [.grace]),
    StatusScenario(
      name: "grace ending on the date still covers it",
      partner: partner(replacing: "tier: platinum", with: "tier: gold")
        + "\ngrace:\n  - { from: 2026-07-01, until: 2026-11-15 }",
      status: .atRisk, rules: [.grace]),
    StatusScenario(
      name: "grace that ended the day before does not",
      partner: partner(replacing: "tier: platinum", with: "tier: gold")
        + "\ngrace:\n  - { from: 2026-07-01, until: 2026-11-14 }",
      status: .ineligible, rules: [.tier]),
    StatusScenario(
      name: "grace starting after the date does not cover it",
      partner: partner(replacing: "tier: platinum", with: "tier: gold")
        + "\ngrace:\n  - { from: 2026-11-16, until: 2026-12-31 }",
      status: .ineligible, rules: [.tier]),
    StatusScenario(
      name: "grace does nothing for an eligible tier",
      partner: partner(adding: "grace:\n  - { from: 2026-07-01, until: 2026-12-31 }"), status: .accredited),
  ])
  func tierAndGrace(_ row: StatusScenario) throws { try check(row) }

  /// A case keeps its fields in one box shared by its copies (`EscalationCase`): changing a copy leaves the
  /// original as it was, and two cases are equal by their fields, whatever box holds them.
  @Test func aCopiedCaseChangedLeavesTheOriginalAsItWas() throws {
    let file = "cases/acme/AC-1.md"
    let step = EscalationCase.Step(
      stage: .complaint, date: try #require(Day(year: 2026, month: 3, day: 2)),
      location: SourceLocation(file: file, line: 4))
    let original = EscalationCase(
      id: "AC-1", partnerSlug: "acme", customer: "Ann", steps: [step], notes: "First call.",
      location: SourceLocation(file: file))
    var copy = original
    #expect(copy == original)
    copy.customer = "Bob"
    copy.steps.append(EscalationCase.Step(stage: .mediation, date: step.date.adding(days: 3), location: step.location))
    copy.notes = "Second call."
    copy.isSerious = true
    #expect(original.customer == "Ann" && original.steps == [step] && original.notes == "First call.")
    #expect(!original.isSerious)
    #expect(copy != original)
    var back = copy
    back.customer = "Ann"
    back.steps.removeLast()
    back.notes = "First call."
    back.isSerious = false
    #expect(back == original)
    #expect(copy.customer == "Bob" && copy.steps.count == 2)
  }

  /// The runs of one partner's cases are its consecutive cases, in order; a partner whose cases are not
  /// together (unsorted cases) has a run for each group.
  @Test func aPartnersCasesInARowAreOneRun() {
    let cases = [("acme", "A-1"), ("acme", "A-2"), ("acme-west", "W-1"), ("acme", "A-3")].map { slug, id in
      EscalationCase(
        id: id, partnerSlug: slug, customer: "Ann", steps: [], notes: "",
        location: SourceLocation(file: "cases/\(slug)/\(id).md"))
    }
    let runs = cases.partnerRuns()
    #expect(runs.map(\.slug) == ["acme", "acme-west", "acme"])
    #expect(runs.map(\.cases) == [0..<2, 2..<3, 3..<4])
    #expect([EscalationCase]().partnerRuns().isEmpty)
  }

  @Test func effectiveTierIsNullWithoutAReview() throws {
    let evaluation = try #require(
      evaluate(partner: partner(replacing: "reviewed: 2026-01-15", with: "reviewed: 2027-01-15"), asOf: "2026-11-15"))
    #expect(evaluation.tier == nil)
    #expect(!evaluation.isTierEligible)
    #expect(!evaluation.isEligibleToApply)
  }

  @Test func eligibleToApplyFollowsTierNotGrace() throws {
    let inGrace =
      partner(replacing: "tier: platinum", with: "tier: gold")
      + "\ngrace:\n  - { from: 2026-07-01, until: 2026-12-31 }"
    let evaluation = try #require(evaluate(partner: inGrace, asOf: "2026-11-15"))
    #expect(evaluation.isInGrace)
    #expect(!evaluation.isEligibleToApply)
    #expect(evaluation.tier == "gold")
  }

  struct ReviewMonthCase: CustomTestStringConvertible, Sendable {
    let name: String
    let asOf: String
    let expected: String
    var testDescription: String { name }
  }

  @Test(arguments: [
    ReviewMonthCase(name: "November looks to next January", asOf: "2026-11-15", expected: "2027-01"),
    ReviewMonthCase(name: "in January, the next is June", asOf: "2026-01-31", expected: "2026-06"),
    ReviewMonthCase(name: "in June, the next is January", asOf: "2026-06-01", expected: "2027-01"),
    ReviewMonthCase(name: "in March, the next is June", asOf: "2026-03-10", expected: "2026-06"),
    ReviewMonthCase(name: "in December, the next is January", asOf: "2026-12-31", expected: "2027-01"),
  ])
  func nextTierReviewIsStrictlyAfterTheMonth(_ row: ReviewMonthCase) throws {
    let evaluation = try #require(evaluate(partner: healthyPartner, asOf: row.asOf))
    #expect(evaluation.nextTierReview?.iso == row.expected)
  }
}

@Suite("Evaluation: certifications")
struct CertificationRuleTests {
  @Test(arguments: [
    StatusScenario(
      name: "a certification expiring on the date is not held",
      partner: partner(replacing: "expires: 2027-06-01", with: "expires: 2026-11-15"),
      status: .atRisk, rules: [.certification]),
    StatusScenario(
      name: "a certification expiring the day after is held",
      partner: partner(replacing: "expires: 2027-06-01", with: "expires: 2026-11-16"), status: .accredited),
    StatusScenario(
      name: "a certification earned after the date is not held",
      partner: partner(replacing: "{ name: sales, earned: 2025-01-01", with: "{ name: sales, earned: 2026-11-16"),
      status: .atRisk, rules: [.certification]),
    StatusScenario(
      name: "a certification earned on the date is held",
      partner: partner(replacing: "{ name: sales, earned: 2025-01-01", with: "{ name: sales, earned: 2026-11-15"),
      status: .accredited),
    StatusScenario(
      name: "the universal certification is required too",
      partner: partner(replacing: "  - { name: program, earned: 2025-01-01 }\n", with: ""),
      status: .atRisk, rules: [.certification]),
    StatusScenario(
      name: "a renewed certification replaces an expired one",
      partner: partner(
        replacing: "expires: 2027-06-01 }", with: "expires: 2026-01-01 }\n  - { name: sales, earned: 2026-01-01 }"),
      status: .accredited),
    StatusScenario(
      name: "a type without extra certifications needs only the universal ones",
      partner: partner(replacing: "  - { name: sales, earned: 2025-01-01, expires: 2027-06-01 }\n", with: "")
        .replacingOccurrences(of: "type: crm", with: "type: migration"),
      status: .accredited),
  ])
  func certifications(_ row: StatusScenario) throws { try check(row) }

  @Test func missingCertificationsAreSortedSlugsWithMessages() throws {
    let yaml = partner(
      replacing:
        "certifications:\n  - { name: program, earned: 2025-01-01 }\n  - { name: sales, earned: 2025-01-01, expires: 2027-06-01 }",
      with: "certifications:\n  - { name: sales, earned: 2025-01-01, expires: 2026-10-15 }")
    let evaluation = try #require(evaluate(partner: yaml, asOf: "2026-11-15"))
    let accreditation = try #require(evaluation.accreditations.first)
    #expect(accreditation.missingCertifications == ["program", "sales"])
    #expect(
      accreditation.reasons.map(\.message) == [
        "Required certification Partner Program is not on record",
        "Sales Software expired 15 Oct 2026",
      ])
    #expect(accreditation.reasons.map(\.location.line) == [7, 5])
  }
}

@Suite("Evaluation: marks and retain decisions")
struct MarkRuleTests {
  static let fourMarks = [
    "M-1": markCase(on: "2026-01-10"), "M-2": markCase(on: "2026-02-10"),
    "M-3": markCase(on: "2026-03-10"), "M-4": markCase(on: "2026-04-10"),
  ]

  @Test(arguments: [
    StatusScenario(
      name: "exactly 3 marks is not under review",
      cases: ["M-1": markCase(on: "2026-01-10"), "M-2": markCase(on: "2026-02-10"), "M-3": markCase(on: "2026-03-10")],
      status: .accredited),
    StatusScenario(name: "4 marks is under review", cases: fourMarks, status: .underReview, rules: [.marks]),
    StatusScenario(
      name: "a mark dated after the date does not count yet",
      cases: fourMarks.merging(["M-4": markCase(on: "2026-11-16")]) { $1 }, status: .accredited),
    StatusScenario(
      name: "a mark dated on the date counts",
      cases: fourMarks.merging(["M-4": markCase(on: "2026-11-15")]) { $1 }, status: .underReview, rules: [.marks]),
    StatusScenario(
      name: "a retain decision on the same day as the latest mark settles the review",
      partner: partner(adding: "decisions:\n  - { date: 2026-04-10, accreditation: crm, outcome: retain }"),
      cases: fourMarks, status: .accredited),
    StatusScenario(
      name: "a retain decision for all settles it",
      partner: partner(adding: "decisions:\n  - { date: 2026-05-01, accreditation: all, outcome: retain }"),
      cases: fourMarks, status: .accredited),
    StatusScenario(
      name: "a retain decision before the latest mark does not",
      partner: partner(adding: "decisions:\n  - { date: 2026-04-09, accreditation: crm, outcome: retain }"),
      cases: fourMarks, status: .underReview, rules: [.marks]),
    StatusScenario(
      name: "a retain decision dated after the date is not yet made",
      partner: partner(adding: "decisions:\n  - { date: 2026-11-16, accreditation: crm, outcome: retain }"),
      cases: fourMarks, status: .underReview, rules: [.marks]),
    StatusScenario(
      name: "a retain decision for another accreditation does not",
      partner: partner(
        adding:
          "  - { type: migration, issued: 2025-03-15 }\ndecisions:\n  - { date: 2026-05-01, accreditation: migration, outcome: retain }"
      ),
      cases: fourMarks, status: .underReview, rules: [.marks]),
  ])
  func marks(_ row: StatusScenario) throws { try check(row) }

  @Test func marksCountEveryMarkOnRecordOnly() throws {
    var cases = MarkRuleTests.fourMarks
    cases["N-1"] = """
      ---
      customer: B
      steps:
        - { stage: complaint, date: 2026-01-01 }
        - { stage: mediation, date: 2026-01-05 }
      outcome: { decision: resolved, date: 2026-01-09 }
      ---
      """
    let evaluation = try #require(evaluate(partner: healthyPartner, cases: cases, asOf: "2026-11-15"))
    #expect(evaluation.marks.map(\.caseID) == ["M-1", "M-2", "M-3", "M-4"])
  }
}

@Suite("Evaluation: cases and serious escalations")
struct CaseRuleTests {
  static let seriousOpen = """
    ---
    customer: C
    serious: true
    steps:
      - { stage: complaint, date: 2026-10-01 }
      - { stage: review-board, date: 2026-10-03 }
    ---
    """

  static func seriousClosed(on date: String) -> String {
    """
    ---
    customer: C
    serious: true
    steps:
      - { stage: complaint, date: 2026-10-01 }
      - { stage: review-board, date: 2026-10-03 }
    outcome: { decision: no-fault, date: \(date) }
    ---
    """
  }

  @Test(arguments: [
    StatusScenario(
      name: "an open serious escalation puts it under review", cases: ["S-1": seriousOpen],
      status: .underReview, rules: [.seriousCase]),
    StatusScenario(
      name: "a closed serious escalation does not", cases: ["S-1": seriousClosed(on: "2026-11-01")],
      status: .accredited),
    StatusScenario(
      name: "a serious case closed after the date is still open on it",
      cases: ["S-1": seriousClosed(on: "2026-11-20")], status: .underReview, rules: [.seriousCase]),
    StatusScenario(
      name: "a serious case that starts after the date does not exist yet",
      cases: ["S-1": seriousOpen], asOf: "2026-09-30", status: .accredited),
  ])
  func seriousEscalations(_ row: StatusScenario) throws { try check(row) }

  @Test func openCasesShowTheStageReachedByTheDate() throws {
    let open = """
      ---
      customer: D
      steps:
        - { stage: complaint, date: 2026-10-01 }
        - { stage: mediation, date: 2026-11-15 }
        - { stage: partner-ops, date: 2026-11-20 }
      ---
      """
    let future = """
      ---
      customer: E
      steps:
        - { stage: complaint, date: 2026-11-16 }
      ---
      """
    let evaluation = try #require(
      evaluate(
        partner: healthyPartner, cases: ["B-2": open, "A-1": CaseRuleTests.seriousOpen, "C-3": future],
        asOf: "2026-11-15"))
    #expect(evaluation.openCases.map(\.id) == ["A-1", "B-2"])
    #expect(evaluation.openCases.map(\.stage) == [.reviewBoard, .mediation])
    #expect(evaluation.openCases.map(\.isSerious) == [true, false])
  }
}

@Suite("Evaluation: revocation")
struct RevocationRuleTests {
  @Test(arguments: [
    StatusScenario(
      name: "a director-approved revocation revokes",
      partner: partner(
        adding: "decisions:\n  - { date: 2026-09-01, accreditation: crm, outcome: revoke, director_approval: true }"),
      status: .revoked, rules: [.decision]),
    StatusScenario(
      name: "a revocation for all revokes",
      partner: partner(
        adding: "decisions:\n  - { date: 2026-09-01, accreditation: all, outcome: revoke, director_approval: true }"),
      status: .revoked, rules: [.decision]),
    StatusScenario(
      name: "a revocation dated before the issue date does not revoke",
      partner: partner(
        adding: "decisions:\n  - { date: 2025-03-14, accreditation: all, outcome: revoke, director_approval: true }"),
      status: .accredited),
    StatusScenario(
      name: "a revocation on the issue date revokes",
      partner: partner(
        adding: "decisions:\n  - { date: 2025-03-15, accreditation: all, outcome: revoke, director_approval: true }"),
      status: .revoked, rules: [.decision]),
    StatusScenario(
      name: "a revocation dated after the date is not yet in force",
      partner: partner(
        adding: "decisions:\n  - { date: 2026-11-16, accreditation: crm, outcome: revoke, director_approval: true }"),
      status: .accredited),
  ])
  func revocation(_ row: StatusScenario) throws { try check(row) }

  struct NextEvaluationRow: CustomTestStringConvertible, Sendable {
    let name: String
    let decision: String
    let expected: String?
    var testDescription: String { name }
  }

  @Test(arguments: [
    NextEvaluationRow(
      name: "a revoked accreditation has no next evaluation",
      decision: "{ date: 2026-09-01, accreditation: crm, outcome: revoke, director_approval: true }", expected: nil),
    NextEvaluationRow(
      name: "revoked with all: no next evaluation either",
      decision: "{ date: 2026-09-01, accreditation: all, outcome: revoke, director_approval: true }", expected: nil),
    NextEvaluationRow(
      name: "a revocation dated after the date leaves the next evaluation",
      decision: "{ date: 2026-11-16, accreditation: crm, outcome: revoke, director_approval: true }",
      expected: "2027-03-15"),
    NextEvaluationRow(
      name: "a revocation before the issue date leaves it",
      decision: "{ date: 2025-03-14, accreditation: crm, outcome: revoke, director_approval: true }",
      expected: "2027-03-15"),
    NextEvaluationRow(
      name: "a retain decision leaves it",
      decision: "{ date: 2026-09-01, accreditation: crm, outcome: retain }", expected: "2027-03-15"),
  ])
  func nextEvaluationOfARevokedAccreditation(_ row: NextEvaluationRow) throws {
    let evaluation = try #require(
      evaluate(partner: partner(adding: "decisions:\n  - \(row.decision)"), asOf: "2026-11-15"))
    let accreditation = try #require(evaluation.accreditations.first)
    #expect(accreditation.nextEvaluation == row.expected.map(Day.init))
    #expect((accreditation.status == .revoked) == (row.expected == nil))
  }

  @Test func aRevokedAccreditationIsNotInTheCalendar() throws {
    let revoked = partner(
      adding: "decisions:\n  - { date: 2026-09-01, accreditation: crm, outcome: revoke, director_approval: true }")
    let loaded = Tree(["partners/p.yaml": revoked, "partners/q.yaml": healthyPartner]).load()
    #expect(!loaded.diagnostics.hasErrors, "\(loaded.diagnostics)")
    let evaluator = Evaluator(standards: loaded.content.standards)
    let asOf = Day("2026-11-15")
    let evaluations = evaluator.evaluate(loaded.content.partners, cases: [], asOf: asOf)
    let events = evaluator.calendar(
      after: asOf, through: Day("2027-12-31"), partners: loaded.content.partners, evaluations: evaluations)
    let evaluated = events.filter { $0.kind == .evaluation }.map { "\($0.partner ?? "-") \($0.date.iso)" }
    #expect(evaluated == ["q 2027-03-15"])
  }

  @Test func reIssuedAfterARevocationStartsClean() throws {
    let yaml = partner(
      adding: """
          - { type: crm, issued: 2026-10-01 }
        decisions:
          - { date: 2026-09-01, accreditation: crm, outcome: revoke, director_approval: true }
        """)
    let evaluation = try #require(evaluate(partner: yaml, asOf: "2026-11-15"))
    #expect(evaluation.accreditations.map(\.issued) == [Day("2025-03-15"), Day("2026-10-01")])
    #expect(evaluation.accreditations.map(\.status) == [.revoked, .accredited])
  }
}

@Suite("Evaluation: status precedence and reasons")
struct StatusPrecedenceTests {
  static let everythingWrong = """
    name: Test Partner
    tiers:
      - { reviewed: 2026-01-15, tier: gold }
    certifications:
      - { name: program, earned: 2025-01-01 }
    accreditations:
      - { type: crm, issued: 2025-03-15 }
    decisions:
      - { date: 2026-09-01, accreditation: crm, outcome: revoke, director_approval: true }
    """

  @Test(arguments: [
    StatusScenario(
      name: "revoked comes first and every failed check is listed",
      partner: everythingWrong, cases: MarkRuleTests.fourMarks.merging(["S-1": CaseRuleTests.seriousOpen]) { $1 },
      status: .revoked, rules: [.decision, .tier, .marks, .seriousCase, .certification]),
    StatusScenario(
      name: "ineligible beats under review",
      partner: everythingWrong.replacingOccurrences(
        of: "  - { date: 2026-09-01, accreditation: crm, outcome: revoke, director_approval: true }",
        with: "  - { date: 2020-01-01, accreditation: crm, outcome: retain }"),
      cases: MarkRuleTests.fourMarks, status: .ineligible, rules: [.tier, .marks, .certification]),
    StatusScenario(
      name: "under review beats at risk",
      partner: partner(replacing: "expires: 2027-06-01", with: "expires: 2026-01-01"),
      cases: ["S-1": CaseRuleTests.seriousOpen], status: .underReview, rules: [.seriousCase, .certification]),
    StatusScenario(
      name: "grace and a missing certification are both at risk",
      partner: partner(replacing: "tier: platinum", with: "tier: gold")
        .replacingOccurrences(of: "expires: 2027-06-01", with: "expires: 2026-01-01")
        + "\ngrace:\n  - { from: 2026-07-01, until: 2026-12-31 }",
      status: .atRisk, rules: [.grace, .certification]),
  ])
  func precedence(_ row: StatusScenario) throws { try check(row) }

  @Test func reasonsPointAtTheirEvidence() throws {
    let evaluation = try #require(
      evaluate(partner: StatusPrecedenceTests.everythingWrong, cases: MarkRuleTests.fourMarks, asOf: "2026-11-15"))
    let reasons = try #require(evaluation.accreditations.first).reasons
    let sources = reasons.map { "\($0.location.file):\($0.location.line)" }
    #expect(sources == ["partners/p.yaml:9", "partners/p.yaml:3", "cases/p/M-4.md:8", "partners/p.yaml:7"])
    #expect(reasons[0].message == "Revoked by the review board on 1 Sep 2026 with director approval")
  }

  @Test func accreditationsIssuedAfterTheDateAreNotShownYet() throws {
    let yaml = partner(adding: "  - { type: migration, issued: 2026-11-16 }")
    let evaluation = try #require(evaluate(partner: yaml, asOf: "2026-11-15"))
    #expect(evaluation.accreditations.map(\.type) == ["crm"])
  }
}

@Suite("Evaluation: next evaluation")
struct NextEvaluationTests {
  struct Row: CustomTestStringConvertible, Sendable {
    let name: String
    let issued: String
    let asOf: String
    let expected: String
    var testDescription: String { name }
  }

  @Test(arguments: [
    Row(
      name: "first evaluation six months after issue", issued: "2026-06-10", asOf: "2026-07-01", expected: "2026-12-10"),
    Row(
      name: "an evaluation on the date is past: the next one", issued: "2026-05-15", asOf: "2026-11-15",
      expected: "2027-05-15"),
    Row(name: "month end clamps to February", issued: "2025-08-31", asOf: "2025-12-01", expected: "2026-02-28"),
    Row(
      name: "clamping does not drift to later evaluations", issued: "2025-08-31", asOf: "2026-03-01",
      expected: "2026-08-31"),
    Row(name: "leap year February", issued: "2023-08-31", asOf: "2023-10-01", expected: "2024-02-29"),
    Row(name: "issued on the date: six months on", issued: "2026-11-15", asOf: "2026-11-15", expected: "2027-05-15"),
    Row(name: "years after issue", issued: "2020-01-31", asOf: "2026-11-15", expected: "2027-01-31"),
  ])
  func nextEvaluation(_ row: Row) {
    let evaluator = Evaluator(standards: ContentLoaderStandards.small)
    #expect(evaluator.nextEvaluation(issued: Day(row.issued), after: Day(row.asOf)) == Day(row.expected))
  }
}

/// The standards of `Tree`, loaded once.
enum ContentLoaderStandards {
  static let small = Tree().load().content.standards
}

@Suite("The calendar")
struct CalendarTests {
  @Test func oneListOfWhatFallsDueInTheWindowInDateOrder() throws {
    let partner =
      healthyPartner.replacingOccurrences(of: "tier: platinum", with: "tier: gold")
      .replacingOccurrences(of: "expires: 2027-06-01", with: "expires: 2026-12-10")
      + "\ngrace:\n  - { from: 2026-07-01, until: 2026-12-31 }"
    let loaded = Tree(["partners/p.yaml": partner]).load()
    #expect(!loaded.diagnostics.hasErrors, "\(loaded.diagnostics)")
    let evaluator = Evaluator(standards: loaded.content.standards)
    let asOf = Day("2026-11-15")
    let evaluations = loaded.content.partners.map { evaluator.evaluate($0, cases: [], asOf: asOf) }
    let events = evaluator.calendar(
      after: asOf, through: Day("2027-06-30"), partners: loaded.content.partners, evaluations: evaluations)
    let summary = events.map { "\($0.date.iso) \($0.kind.rawValue) \($0.partner ?? "-") \($0.subject ?? "-")" }
    #expect(
      summary == [
        "2026-12-10 certification-expires p sales",
        "2026-12-31 grace-ends p -",
        "2027-01-01 tier-review - -",
        "2027-03-15 evaluation p crm",
        "2027-06-01 tier-review - -",
      ])
    // The window's ends: nothing on the date itself, everything up to the horizon.
    let short = evaluator.calendar(
      after: Day("2026-12-10"), through: Day("2026-12-31"), partners: loaded.content.partners,
      evaluations: evaluations)
    #expect(short.map(\.kind) == [.graceEnds])
  }

  @Test func aCaseExistsFromItsFirstStepAndClosesWithItsOutcome() throws {
    let loaded = Tree(["partners/p.yaml": healthyPartner, "cases/p/X-1.md": markCase(on: "2025-02-01")]).load()
    let escalation = try #require(loaded.content.cases.first)
    #expect(!escalation.exists(on: Day("2024-12-31")))
    #expect(escalation.exists(on: Day("2025-01-01")) && escalation.isOpen(on: Day("2025-01-01")))
    #expect(escalation.steps(through: Day("2025-01-02")).map(\.stage) == [.complaint, .mediation])
    #expect(escalation.stage(on: Day("2025-01-03")) == .partnerOps)
    #expect(escalation.outcome(through: Day("2025-01-31")) == nil)
    #expect(escalation.outcome(through: Day("2025-02-01"))?.decision == .mark)
    #expect(!escalation.isOpen(on: Day("2025-02-01")))
  }
}
