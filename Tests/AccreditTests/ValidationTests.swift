@testable import AccreditContent
import AccreditEngine
import AccreditSite
import Foundation
import Testing

/// The validation rules of SPEC section 3, one table per rule family.
///
/// Each row is a tiny content tree: the default standards of `Tree`, plus the one file that is wrong
/// (and, for case rows, a healthy partner record at `partners/p.yaml`). A row names the diagnostics it
/// expects with their exact position; unless it says otherwise they must be the only diagnostics.
@Suite("Validation")
struct ValidationTests {
  @Test("Partner records", arguments: ValidationScenario.partnerRecords)
  func partnerRecords(_ scenario: ValidationScenario) {
    scenario.check()
  }

  @Test("Duplicate slugs and case ids", arguments: ValidationScenario.duplicates)
  func duplicates(_ scenario: ValidationScenario) {
    scenario.check()
  }

  @Test("Escalation paths", arguments: ValidationScenario.escalationPaths)
  func escalationPaths(_ scenario: ValidationScenario) {
    scenario.check()
  }

  @Test("Case outcomes", arguments: ValidationScenario.caseOutcomes)
  func caseOutcomes(_ scenario: ValidationScenario) {
    scenario.check()
  }

  @Test("Files: front matter, encoding, empty files", arguments: ValidationScenario.files)
  func files(_ scenario: ValidationScenario) {
    scenario.check()
  }

  @Test("The standards file", arguments: ValidationScenario.standardsFile)
  func standardsFile(_ scenario: ValidationScenario) {
    scenario.check()
  }

  @Test("Every problem in every file is reported in one run, sorted by path and line")
  func everyProblemInOneRun() {
    let scenario = ValidationScenario.tree(
      "three broken files",
      [
        "partners/b.yaml": """
        name: Partner B
        tiers:
          - { reviewed: 2026-03-31, tier: platinum }
        certifications:
          - { name: salse, earned: 2025-01-01 }
        """,
        "partners/a.yaml": """
        name: Partner A
        teir: platinum
        tiers:
          - { reviewed: 2026-01-15, tier: platinum }
        """,
        "cases/a/A-1.md": """
        ---
        customer: Contoso Ltd
        steps:
          - { stage: complaint, date: 2026-02-03 }
          - { stage: partner-ops, date: 2026-02-20 }
        ---
        Notes.
        """,
      ],
      .error(5, 5, "stage 'mediation' was skipped", in: "cases/a/A-1.md"),
      .error(2, 1, "unknown key 'teir' in partner record (did you mean 'tiers'?)", in: "partners/a.yaml"),
      .warning(3, 17, "falls outside the tier review months", in: "partners/b.yaml"),
      .error(5, 13, "certification 'salse' is not in the standards' catalog", in: "partners/b.yaml"))
    let diagnostics = scenario.check()

    // Not only present: in exactly this order (path, then line), whatever order the files came in.
    let positions = diagnostics.map { "\($0.location.file):\($0.location.line):\($0.location.column)" }
    #expect(
      positions == ["cases/a/A-1.md:5:5", "partners/a.yaml:2:1", "partners/b.yaml:3:17", "partners/b.yaml:5:13"])

    // Printed as `path:line:column: error|warning: message`.
    let formatter = DiagnosticFormatter(root: "content", sources: [:])
    let firstLines = diagnostics.map { formatter.text($0).prefix { $0 != "\n" } }
    #expect(firstLines.first?.hasPrefix("content/cases/a/A-1.md:5:5: error: stage 'mediation' was skipped") == true)
    #expect(firstLines.last?.hasPrefix("content/partners/b.yaml:5:13: error: certification 'salse'") == true)
  }
}

// MARK: - Partner records

extension ValidationScenario {
  static let partnerRecords: [ValidationScenario] = [
    .partner(
      "unknown key 'teir' suggests 'tiers'",
      """
      name: Test Partner
      teir:
        - { reviewed: 2026-01-15, tier: platinum }
      """,
      .error(1, 1, "partner has no tier entry"),
      .error(2, 1, "unknown key 'teir' in partner record (did you mean 'tiers'?)")),
    .partner(
      "unknown key inside a tier entry",
      """
      name: Test Partner
      tiers:
        - { reviewd: 2026-01-15, tier: platinum }
      """,
      .error(3, 5, "tier entry is missing 'reviewed'"),
      .error(3, 7, "unknown key 'reviewd' in tier entry (did you mean 'reviewed'?)")),
    .partner(
      "date not written YYYY-MM-DD",
      """
      name: Test Partner
      tiers:
        - { reviewed: 2026-01-15, tier: platinum }
      grace:
        - { from: 2026/07/01, until: 2026-12-31 }
      """,
      .error(5, 13, "'from' is '2026/07/01', which is not a date: write YYYY-MM-DD")),
    .partner(
      "date without leading zeros",
      """
      name: Test Partner
      tiers:
        - { reviewed: 2026-1-15, tier: platinum }
      """,
      .error(3, 17, "'reviewed' is '2026-1-15', which is not a date: write YYYY-MM-DD")),
    .partner(
      "date that does not exist (30 February)",
      """
      name: Test Partner
      tiers:
        - { reviewed: 2026-01-15, tier: platinum }
      certifications:
        - { name: program, earned: 2026-02-30 }
      """,
      .error(5, 30, "'earned' is '2026-02-30', which is not a calendar date")),
    .partner(
      "unknown tier 'platnum' suggests 'platinum'",
      """
      name: Test Partner
      tiers:
        - { reviewed: 2026-01-15, tier: platnum }
      """,
      .error(3, 35, "unknown tier 'platnum' (did you mean 'platinum'?)")),
    .partner(
      "unknown certification slug is an error (a typo must never change a published status)",
      """
      name: Test Partner
      tiers:
        - { reviewed: 2026-01-15, tier: platinum }
      certifications:
        - { name: salse, earned: 2025-01-01 }
      """,
      .error(5, 13, "certification 'salse' is not in the standards' catalog (did you mean 'sales'?)")),
    .partner(
      "unknown accreditation type",
      """
      name: Test Partner
      tiers:
        - { reviewed: 2026-01-15, tier: platinum }
      accreditations:
        - { type: crn, issued: 2025-03-15 }
      """,
      .error(5, 13, "unknown accreditation type 'crn' (did you mean 'crm'?)")),
    .partner(
      "unknown decision outcome",
      """
      name: Test Partner
      tiers:
        - { reviewed: 2026-01-15, tier: platinum }
      accreditations:
        - { type: crm, issued: 2025-03-15 }
      decisions:
        - { date: 2026-04-10, accreditation: crm, outcome: suspend }
      """,
      .error(7, 54, "unknown decision outcome 'suspend'")),
    .partner(
      "partner with no 'tiers' key",
      """
      name: Test Partner
      region: EMEA
      """,
      .error(1, 1, "partner has no tier entry")),
    .partner(
      "partner with an empty 'tiers' list",
      """
      name: Test Partner
      tiers: []
      """,
      .error(2, 1, "partner has no tier entry")),
    .partner(
      "tier entry dated outside the review months is a warning",
      """
      name: Test Partner
      tiers:
        - { reviewed: 2026-03-31, tier: platinum }
      """,
      .warning(3, 17, "tier review dated 2026-03-31 falls outside the tier review months (January and June)")),
    .partner(
      "tier entry dated in a review month is fine",
      """
      name: Test Partner
      tiers:
        - { reviewed: 2025-06-30, tier: platinum }
        - { reviewed: 2026-01-02, tier: gold }
      """),
    .partner(
      "grace 'until' before 'from'",
      """
      name: Test Partner
      tiers:
        - { reviewed: 2026-01-15, tier: gold }
      grace:
        - { from: 2026-07-01, until: 2026-06-30 }
      """,
      .error(5, 32, "grace period ends (2026-06-30) before it starts (2026-07-01)")),
    .partner(
      "grace of a single day is fine",
      """
      name: Test Partner
      tiers:
        - { reviewed: 2026-01-15, tier: gold }
      grace:
        - { from: 2026-07-01, until: 2026-07-01 }
      """),
    .partner(
      "revoke without director_approval",
      """
      name: Test Partner
      tiers:
        - { reviewed: 2026-01-15, tier: platinum }
      accreditations:
        - { type: crm, issued: 2025-03-15 }
      decisions:
        - { date: 2026-09-01, accreditation: crm, outcome: revoke }
      """,
      .error(7, 45, "revocation needs director-level approval")),
    .partner(
      "revoke with director_approval: false",
      """
      name: Test Partner
      tiers:
        - { reviewed: 2026-01-15, tier: platinum }
      accreditations:
        - { type: crm, issued: 2025-03-15 }
      decisions:
        - date: 2026-09-01
          accreditation: all
          outcome: revoke
          director_approval: false
      """,
      .error(9, 5, "revocation needs director-level approval")),
    .partner(
      "revoke with director_approval: true is fine",
      """
      name: Test Partner
      tiers:
        - { reviewed: 2026-01-15, tier: platinum }
      accreditations:
        - { type: crm, issued: 2025-03-15 }
      decisions:
        - { date: 2026-09-01, accreditation: all, outcome: revoke, director_approval: true }
      """),
    .partner(
      "decision names an accreditation the partner never held",
      """
      name: Test Partner
      tiers:
        - { reviewed: 2026-01-15, tier: platinum }
      accreditations:
        - { type: crm, issued: 2025-03-15 }
      decisions:
        - { date: 2026-04-10, accreditation: migration, outcome: retain }
      """,
      .error(7, 40, "decision names accreditation 'migration', which this partner never held")),
  ]

  static let duplicates: [ValidationScenario] = [
    .tree(
      "duplicate partner slug: a.yaml and a.yml",
      [
        "partners/a.yaml": healthyPartner,
        "partners/a.yml": """
        name: Another Partner
        tiers:
          - { reviewed: 2026-01-15, tier: gold }
        """,
      ],
      .error(1, 1, "duplicate partner slug 'a'", in: "partners/a.yml")),
    .tree(
      "duplicate case id in two partner folders",
      [
        "partners/a.yaml": healthyPartner,
        "partners/b.yaml": healthyPartner,
        "cases/a/NW-1.md": openCase,
        "cases/b/NW-1.md": openCase,
      ],
      .error(1, 1, "duplicate case id 'NW-1'", in: "cases/b/NW-1.md")),
  ]

  /// A valid open case about an accreditation of type `type`.
  static func caseAbout(_ type: String) -> String {
    """
    ---
    customer: Contoso Ltd
    accreditation: \(type)
    steps:
      - { stage: complaint, date: 2026-02-03 }
    ---
    """
  }

  /// A valid open case, for rows about where a case file is rather than what is in it.
  static let openCase = """
    ---
    customer: Contoso Ltd
    steps:
      - { stage: complaint, date: 2026-02-03 }
    ---
    Notes.
    """
}

// MARK: - Cases

extension ValidationScenario {
  static let escalationPaths: [ValidationScenario] = [
    // The loader meets each folder's cases with its record in slug order, not path order: 'acme-west' sorts
    // after 'acme' as a slug, before it as a path ('-' < '/').
    .tree(
      "cases met with their own partner's record, of slugs one the prefix of another",
      [
        "partners/acme.yaml": healthyPartner,
        "partners/acme-west.yaml": healthyPartner.replacingOccurrences(of: "type: crm", with: "type: migration"),
        "cases/acme/C-1.md": caseAbout("crm"),
        "cases/acme/C-2.md": caseAbout("migration"),
        "cases/acme-west/W-1.md": caseAbout("migration"),
        "cases/acme-west/W-2.md": caseAbout("crm"),
        "cases/acme-2/X-1.md": caseAbout("crm"),
        "cases/acme-2/X-2.md": caseAbout("crm"),
      ],
      .warning(
        3, 16, "the case concerns accreditation 'migration', which Test Partner does not hold",
        in: "cases/acme/C-2.md"),
      .warning(
        3, 16, "the case concerns accreditation 'crm', which Test Partner does not hold", in: "cases/acme-west/W-2.md"),
      .error(
        1, 1, "case folder 'cases/acme-2/' has no partner record (did you mean 'acme'?)", in: "cases/acme-2/X-1.md")),
    .tree(
      "decisions about another partner's case and a case with no file (warnings)",
      [
        "partners/a.yaml": healthyPartner + """

          decisions:
            - { date: 2026-04-10, accreditation: crm, outcome: retain, case: B-1 }
            - { date: 2026-04-11, accreditation: crm, outcome: retain, case: Z-9 }
            - { date: 2026-04-12, accreditation: crm, outcome: retain, case: A-1 }
          """,
        "partners/b.yaml": healthyPartner,
        "cases/a/A-1.md": openCase,
        "cases/b/B-1.md": openCase,
      ],
      .warning(10, 5, "decision refers to case B-1, which belongs to partner 'b'", in: "partners/a.yaml"),
      .warning(11, 5, "decision refers to case Z-9, which has no file under cases/a/", in: "partners/a.yaml")),
    .tree(
      "case folder with no partner record",
      ["cases/nobody/C-1.md": openCase],
      .error(1, 1, "case folder 'cases/nobody/' has no partner record", in: "cases/nobody/C-1.md")),
    .tree(
      "a case folder whose name is a typo of a partner's slug gets a suggestion",
      ["partners/bluefin-consulting.yaml": healthyPartner, "cases/bluefin-consultng/C-1.md": openCase],
      .error(
        1, 1, "case folder 'cases/bluefin-consultng/' has no partner record (did you mean 'bluefin-consulting'?)",
        in: "cases/bluefin-consultng/C-1.md")),
    .escalation(
      "unknown key in case front matter",
      """
      ---
      customer: Contoso Ltd
      serios: true
      steps:
        - { stage: complaint, date: 2026-02-03 }
      ---
      """,
      .error(3, 1, "unknown key 'serios' in case front matter (did you mean 'serious'?)")),
    .escalation(
      "unknown accreditation type in a case",
      """
      ---
      customer: Contoso Ltd
      accreditation: crm-implementation
      steps:
        - { stage: complaint, date: 2026-02-03 }
      ---
      """,
      .error(3, 16, "unknown accreditation type 'crm-implementation'")),
    .escalation(
      "a case about an accreditation the partner does not hold (warning)",
      """
      ---
      customer: Contoso Ltd
      accreditation: migration
      steps:
        - { stage: complaint, date: 2026-02-03 }
      ---
      """,
      .warning(3, 16, "the case concerns accreditation 'migration', which Test Partner does not hold")),
    .escalation(
      "a step date that does not exist",
      """
      ---
      customer: Contoso Ltd
      steps:
        - { stage: complaint, date: 2026-02-03 }
        - { stage: mediation, date: 2026-02-31 }
      ---
      """,
      .error(5, 31, "'date' is '2026-02-31', which is not a calendar date")),
    .escalation(
      "stage not one of the four",
      """
      ---
      customer: Contoso Ltd
      steps:
        - { stage: complaint, date: 2026-02-03 }
        - { stage: partner_ops, date: 2026-02-20 }
      ---
      """,
      .error(5, 14, "unknown stage 'partner_ops' (did you mean 'partner-ops'?)")),
    .escalation(
      "first step not 'complaint'",
      """
      ---
      customer: Contoso Ltd
      steps:
        - { stage: mediation, date: 2026-02-03 }
      ---
      """,
      .error(4, 5, "the first step must be 'complaint', not 'mediation'")),
    .escalation(
      "steps out of order",
      """
      ---
      customer: Contoso Ltd
      steps:
        - { stage: complaint, date: 2026-02-03 }
        - { stage: mediation, date: 2026-02-10 }
        - { stage: partner-ops, date: 2026-02-20 }
        - { stage: mediation, date: 2026-03-01 }
      ---
      """,
      .error(7, 5, "steps out of order: 'mediation' cannot come after 'partner-ops'")),
    .escalation(
      "a repeated stage",
      """
      ---
      customer: Contoso Ltd
      steps:
        - { stage: complaint, date: 2026-02-03 }
        - { stage: mediation, date: 2026-02-10 }
        - { stage: mediation, date: 2026-02-20 }
      ---
      """,
      .error(6, 5, "stage 'mediation' is repeated")),
    .escalation(
      "a skipped stage: complaint to partner-ops",
      """
      ---
      customer: Contoso Ltd
      steps:
        - { stage: complaint, date: 2026-02-03 }
        - { stage: partner-ops, date: 2026-02-20 }
      ---
      """,
      .error(5, 5, "stage 'mediation' was skipped between 'complaint' and 'partner-ops'")),
    .escalation(
      "a skipped stage: mediation to review-board",
      """
      ---
      customer: Contoso Ltd
      serious: true
      steps:
        - { stage: complaint, date: 2026-02-03 }
        - { stage: mediation, date: 2026-02-10 }
        - { stage: review-board, date: 2026-02-20 }
      ---
      """,
      .error(7, 5, "stage 'partner-ops' was skipped between 'mediation' and 'review-board'")),
    .escalation(
      "not serious: complaint straight to review-board",
      """
      ---
      customer: Contoso Ltd
      serious: false
      steps:
        - { stage: complaint, date: 2026-02-03 }
        - { stage: review-board, date: 2026-02-20 }
      ---
      """,
      .error(6, 5, "only a case marked 'serious: true' may go from complaint straight to the review board")),
    .escalation(
      "serious: complaint straight to review-board is fine",
      """
      ---
      customer: Contoso Ltd
      serious: true
      steps:
        - { stage: complaint, date: 2026-02-03 }
        - { stage: review-board, date: 2026-02-20 }
      ---
      """),
    .escalation(
      "serious: complaint to partner-ops still skips mediation",
      """
      ---
      customer: Contoso Ltd
      serious: true
      steps:
        - { stage: complaint, date: 2026-02-03 }
        - { stage: partner-ops, date: 2026-02-20 }
      ---
      """,
      .error(6, 5, "stage 'mediation' was skipped between 'complaint' and 'partner-ops'")),
    .escalation(
      "a step dated before the previous one",
      """
      ---
      customer: Contoso Ltd
      steps:
        - { stage: complaint, date: 2026-02-20 }
        - { stage: mediation, date: 2026-02-03 }
      ---
      """,
      .error(5, 5, "step 'mediation' is dated 2026-02-03, before the previous step (2026-02-20)")),
    .escalation(
      "the whole path, two steps on one day, is fine",
      """
      ---
      customer: Contoso Ltd
      steps:
        - { stage: complaint, date: 2026-02-03 }
        - { stage: mediation, date: 2026-02-03 }
        - { stage: partner-ops, date: 2026-03-15 }
        - { stage: review-board, date: 2026-04-02 }
      ---
      """),
  ]

  static let caseOutcomes: [ValidationScenario] = [
    .escalation(
      "'resolved' after reaching partner-ops",
      """
      ---
      customer: Contoso Ltd
      steps:
        - { stage: complaint, date: 2026-02-03 }
        - { stage: mediation, date: 2026-02-10 }
        - { stage: partner-ops, date: 2026-02-20 }
      outcome: { decision: resolved, date: 2026-03-01 }
      ---
      """,
      .error(7, 10, "a case that reached 'partner-ops' cannot close as 'resolved'")),
    .escalation(
      "'no-fault' before partner-ops",
      """
      ---
      customer: Contoso Ltd
      steps:
        - { stage: complaint, date: 2026-02-03 }
        - { stage: mediation, date: 2026-02-10 }
      outcome: { decision: no-fault, date: 2026-03-01 }
      ---
      """,
      .error(
        6, 10, "'no-fault' is a finding of partner-ops or the review board, but this case only reached 'mediation'")
    ),
    .escalation(
      "'mark' without reaching review-board",
      """
      ---
      customer: Contoso Ltd
      steps:
        - { stage: complaint, date: 2026-02-03 }
        - { stage: mediation, date: 2026-02-10 }
        - { stage: partner-ops, date: 2026-02-20 }
      outcome: { decision: mark, date: 2026-03-01 }
      ---
      """,
      .error(7, 10, "a mark is only placed by the review board, but this case only reached 'partner-ops'")),
    .escalation(
      "outcome dated before the last step",
      """
      ---
      customer: Contoso Ltd
      steps:
        - { stage: complaint, date: 2026-02-03 }
        - { stage: mediation, date: 2026-02-20 }
      outcome: { decision: resolved, date: 2026-02-10 }
      ---
      """,
      .error(6, 10, "the outcome is dated 2026-02-10, before the last step (2026-02-20)")),
    .escalation(
      "unknown outcome",
      """
      ---
      customer: Contoso Ltd
      steps:
        - { stage: complaint, date: 2026-02-03 }
      outcome: { decision: settled, date: 2026-02-10 }
      ---
      """,
      .error(5, 22, "unknown case outcome 'settled'")),
    .escalation(
      "'resolved' at complaint is fine",
      """
      ---
      customer: Contoso Ltd
      steps:
        - { stage: complaint, date: 2026-02-03 }
      outcome: { decision: resolved, date: 2026-02-03 }
      ---
      """),
    .escalation(
      "'resolved' at mediation is fine",
      """
      ---
      customer: Contoso Ltd
      steps:
        - { stage: complaint, date: 2026-02-03 }
        - { stage: mediation, date: 2026-02-10 }
      outcome: { decision: resolved, date: 2026-02-20 }
      ---
      """),
    .escalation(
      "'no-fault' at partner-ops is fine",
      """
      ---
      customer: Contoso Ltd
      steps:
        - { stage: complaint, date: 2026-02-03 }
        - { stage: mediation, date: 2026-02-10 }
        - { stage: partner-ops, date: 2026-02-20 }
      outcome: { decision: no-fault, date: 2026-03-01 }
      ---
      """),
    .escalation(
      "'no-fault' at review-board is fine",
      """
      ---
      customer: Contoso Ltd
      serious: true
      steps:
        - { stage: complaint, date: 2026-02-03 }
        - { stage: review-board, date: 2026-02-20 }
      outcome: { decision: no-fault, date: 2026-03-01 }
      ---
      """),
    .escalation(
      "'mark' at review-board is fine",
      """
      ---
      customer: Contoso Ltd
      accreditation: crm
      steps:
        - { stage: complaint, date: 2026-02-03 }
        - { stage: mediation, date: 2026-02-10 }
        - { stage: partner-ops, date: 2026-02-20 }
        - { stage: review-board, date: 2026-03-01 }
      outcome: { decision: mark, date: 2026-03-20 }
      ---
      The board placed a mark.
      """),
  ]
}

// MARK: - The standards file

extension ValidationScenario {
  /// `standards.yaml` checked against itself: every problem at its own position, in one run.
  static let standardsFile: [ValidationScenario] = [
    .tree(
      "names, the catalog and the numbers",
      [
        "standards.yaml": """
        tiers: [partner, gold, platinum, "bad\\ttier"]
        eligible_tiers: [platinum, platnum]
        tier_review_months: [1, 6]
        evaluation_interval_months: 0
        marks_review_threshold: -1
        universal_certifications: [program, programme]
        certifications:
          program: Partner Program
          sales: Sales Software
          service: [a, b]
        accreditations:
          crm:
            name: CRM Implementation
            certifications: [sales, salse]
          all:
            name: Everything
        """
      ],
      .error(1, 34, "tier holds a control character (U+0009)", in: "standards.yaml"),
      .error(2, 28, "eligible tier 'platnum' is not one of 'tiers' (did you mean 'platinum'?)", in: "standards.yaml"),
      .error(4, 29, "'evaluation_interval_months' must be at least 1", in: "standards.yaml"),
      .error(5, 25, "'marks_review_threshold' must not be negative", in: "standards.yaml"),
      .error(
        6, 37, "certification 'programme' is not in the 'certifications' catalog (did you mean 'program'?)",
        in: "standards.yaml"),
      .error(10, 12, "each certification is 'slug: Display Name'", in: "standards.yaml"),
      .error(
        14, 29, "certification 'salse' is not in the 'certifications' catalog (did you mean 'sales'?)",
        in: "standards.yaml"),
      .error(11, 1, "'all' cannot be an accreditation type", in: "standards.yaml")),
    .tree(
      "an empty standards file",
      ["standards.yaml": ""],
      .error(1, 1, "standards file is empty", in: "standards.yaml")),
  ]
}

// MARK: - Files

extension ValidationScenario {
  static let files: [ValidationScenario] = [
    .tree(
      "site.yaml's search must be true or false",
      ["site.yaml": "title: Test\nsearch: maybe\n"],
      .error(2, 9, "'search' must be true or false", in: "site.yaml")),
    .tree(
      "site.yaml's search is a known key",
      ["site.yaml": "title: Test\nsearch: true\nserach: false\n"],
      .error(3, 1, "unknown key 'serach' in site settings (did you mean 'search'?)", in: "site.yaml")),
    .escalation(
      "a placeholder of accredit new left in the front matter warns, at its column in characters",
      """
      ---
      customer: "Zoë [fill in: the customer's name]"
      steps:
        - { stage: complaint, date: 2026-02-03 }
      ---
      The notes may say [fill in: anything]: only the front matter is looked at.
      """,
      .warning(
        2, 16,
        "placeholder '[fill in: the customer's name]' left from accredit new: replace it before the site is published"
      )),
    .partner(
      "an alias used as a key (the ten-fold alias bomb) is refused, not expanded",
      """
      name: Bomb
      a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
      b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]
      ? *b : 1
      """,
      .error(
        2, 4, "anchors and aliases ('&name', '*name') are not allowed: records are plain data, so write the value out")),
    .partner(
      "lists nested past the limit are refused",
      "name: Deep\ntiers: " + String(repeating: "[", count: 150) + String(repeating: "]", count: 150) + "\n",
      .error(2, 107, "lists and mappings nest more than 100 levels deep here")),
    .partner(
      "a key written twice",
      """
      name: Twice
      region: EMEA
      name: Again
      tiers:
        - { reviewed: 2026-01-15, tier: gold }
      """,
      .error(3, 1, "duplicate key 'name': it is already given on line 1; each key may appear once in a mapping")),
    .partner(
      "two documents in one record",
      """
      name: One
      ---
      name: Two
      """,
      .error(2, 1, "YAML syntax: but found another document (expected a single document in the stream at line 1)")),
    .escalation(
      "front matter YAML syntax error",
      """
      ---
      customer: Contoso: Ltd
      steps:
        - { stage: complaint, date: 2026-02-03 }
      ---
      """,
      .error(2, 18, "YAML syntax: mapping values are not allowed")),
    .escalation(
      "front matter with an unclosed flow mapping",
      """
      ---
      customer: Contoso Ltd
      steps:
        - { stage: complaint, date: 2026-02-03
      ---
      """,
      .error(4, 5, "YAML syntax")),
    .tree(
      "FAQ front matter with an unclosed quote: reported where the quote opens",
      [
        "faq/refunds.md": """
        ---
        question: "How are refunds handled?
        order: 1
        ---
        Answer.
        """
      ],
      .error(2, 11, "YAML syntax", in: "faq/refunds.md")),
    .partner(
      "partner record YAML syntax error",
      """
      name: Test Partner
      tiers: [ { reviewed: 2026-01-15, tier: platinum }
      """,
      .error(2, 8, "YAML syntax")),
    .partner(
      "a key written twice, reported at the copy, naming the first",
      """
      name: Test Partner
      pdm: Jane Roe
      tiers:
        - { reviewed: 2026-01-15, tier: platinum }
      pdm: John Doe
      """,
      .error(5, 1, "duplicate key 'pdm': it is already given on line 2")),
    .partner(
      "a list item indented unlike its siblings, at that item and in plain words",
      """
      name: Test Partner
      tiers:
        - { reviewed: 2026-01-15, tier: platinum }
         - { reviewed: 2026-06-15, tier: platinum }
        - { reviewed: 2027-01-15, tier: platinum }
      """,
      .error(4, 4, "this list item is indented by 3 spaces; the other items of the list use 2, so line them up")),
    .partner(
      "the first of three items is the odd one out",
      """
      name: Test Partner
      tiers:
         - { reviewed: 2026-01-15, tier: platinum }
        - { reviewed: 2026-06-15, tier: platinum }
        - { reviewed: 2027-01-15, tier: platinum }
      """,
      .error(3, 4, "this list item is indented by 3 spaces; the other items of the list use 2")),
    .partner(
      "a tab in the indentation says so",
      "name: Test Partner\ntiers:\n\t- { reviewed: 2026-01-15, tier: platinum }\n",
      .error(3, 1, "tab characters cannot indent YAML; indent this line with spaces")),
    .partner(
      "a key indented deeper than the line above allows",
      """
      name: Test Partner
       pdm: Jane Roe
      tiers:
        - { reviewed: 2026-01-15, tier: platinum }
      """,
      .error(2, 2, "this line is indented by 1 space, but the lines above it at this level use 0")),
    .partner(
      "a key lined up with the list items above it",
      """
      name: Test Partner
      tiers:
        - { reviewed: 2026-01-15, tier: platinum }
        pdm: Jane Roe
      """,
      .error(
        4, 3,
        "this line is indented by 2 spaces like the list items from line 3, but it is not a list item; "
          + "a key beside the list's own key is indented by 0")),
    .escalation(
      "a mis-indented key of a block-style step, at its line in the file",
      """
      ---
      customer: Contoso Ltd
      steps:
        - stage: complaint
          date: 2026-02-03
        - stage: mediation
           date: 2026-02-10
      ---
      """,
      .error(7, 6, "this line is indented by 5 spaces, but the lines above it at this level use 4")),
    .escalation(
      "an indented first line of front matter",
      """
      ---
        customer: Contoso Ltd
      steps:
        - { stage: complaint, date: 2026-02-03 }
      ---
      """,
      .error(2, 3, "the first line is indented by 2 spaces; the top level starts at column 1")),
    .escalation(
      "missing front matter",
      """
      customer: Contoso Ltd
      steps:
        - { stage: complaint, date: 2026-02-03 }
      """,
      .error(1, 1, "file must start with front matter")),
    .escalation(
      "unclosed front matter",
      """
      ---
      customer: Contoso Ltd
      steps:
        - { stage: complaint, date: 2026-02-03 }

      Notes, but the front matter was never closed.
      """,
      .error(1, 1, "front matter is not closed")),
    .escalation(
      "empty case file",
      "",
      .error(1, 1, "file is empty")),
    .escalation(
      "case file with only blank lines",
      "\n\n  \n",
      .error(1, 1, "file is empty")),
    .escalation(
      "case file with empty front matter",
      "---\n---\nNotes.\n",
      .error(1, 1, "front matter is empty")),
    .partner(
      "empty partner record",
      "",
      .error(1, 1, "partner record is empty")),
    .bytes(
      "partner record saved as Latin-1: first bad byte on line 3",
      path: partnerPath,
      latin1(
        """
        name: Test Partner
        tiers: [{ reviewed: 2026-01-15, tier: platinum }]
        pdm: René Roe
        """),
      .error(3, 9, "file is not valid UTF-8")),
    .bytes(
      "case notes with a bad byte after valid multi-byte text",
      path: casePath,
      Array("---\ncustomer: Contoso Ltd\nsteps:\n  - { stage: complaint, date: 2026-02-03 }\n---\n".utf8)
        + Array("Notes — caf".utf8) + [0xE9] + Array("\n".utf8),
      .error(6, 12, "file is not valid UTF-8")),
    .bytes(
      "CRLF line endings and a byte-order mark load cleanly",
      path: casePath,
      byteOrderMark
        + crlf(
          """
          ---
          customer: Contoso Ltd
          steps:
            - { stage: complaint, date: 2026-02-03 }
            - { stage: mediation, date: 2026-02-10 }
          outcome: { decision: resolved, date: 2026-02-20 }
          ---
          Notes.
          """)),
    .bytes(
      "CRLF and a byte-order mark keep lines and columns",
      path: partnerPath,
      byteOrderMark
        + crlf(
          """
          nmae: Test Partner
          tiers:
            - { reviewed: 2026-03-31, tier: platinum }
          """),
      .error(1, 1, "partner record is missing 'name'"),
      .error(1, 1, "unknown key 'nmae' in partner record (did you mean 'name'?)"),
      .warning(3, 17, "falls outside the tier review months")),
    .bytes(
      "CRLF front matter keeps case positions",
      path: casePath,
      crlf(
        """
        ---
        customer: Contoso Ltd
        steps:
          - { stage: complaint, date: 2026-02-03 }
          - { stage: partner-ops, date: 2026-02-10 }
        ---
        Notes.
        """),
      .error(5, 5, "stage 'mediation' was skipped")),
    .bytes(
      "lone CR line endings keep case positions",
      path: casePath,
      Array(
        """
        ---
        customer: Contoso Ltd
        steps:
          - { stage: complaint, date: 2026-02-03 }
          - { stage: partner-ops, date: 2026-02-10 }
        ---
        Notes.
        """.replacingOccurrences(of: "\n", with: "\r").utf8),
      .error(5, 5, "stage 'mediation' was skipped")),
  ]

  static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

  /// `text` with Windows line endings.
  static func crlf(_ text: String) -> [UInt8] {
    Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
  }

  /// `text` encoded as ISO Latin-1, as an editor set to a Western encoding would save it.
  static func latin1(_ text: String) -> [UInt8] {
    text.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
  }
}

// MARK: - Table machinery

/// A diagnostic a scenario expects: severity, exact position and a distinctive part of the message.
struct ExpectedDiagnostic: Sendable, CustomStringConvertible {
  var severity: Diagnostic.Severity
  /// Nil: the scenario's main file.
  var file: String?
  var line: Int
  var column: Int
  var message: String

  static func error(_ line: Int, _ column: Int, _ message: String, in file: String? = nil) -> Self {
    ExpectedDiagnostic(severity: .error, file: file, line: line, column: column, message: message)
  }

  static func warning(_ line: Int, _ column: Int, _ message: String, in file: String? = nil) -> Self {
    ExpectedDiagnostic(severity: .warning, file: file, line: line, column: column, message: message)
  }

  func matches(_ diagnostic: Diagnostic) -> Bool {
    diagnostic.severity == severity && diagnostic.location.file == file && diagnostic.location.line == line
      && diagnostic.location.column == column && diagnostic.message.contains(message)
  }

  var description: String {
    "\(file ?? "?"):\(line):\(column): \(severity.rawValue): …\(message)…"
  }
}

/// One row: the files that make a content tree wrong (or right), and what loading it must report.
struct ValidationScenario: Sendable, CustomTestStringConvertible {
  static let partnerPath = "partners/p.yaml"
  static let casePath = "cases/p/C-1.md"

  var name: String
  /// Files added to `Tree`'s standards and site settings, as bytes.
  var files: [String: [UInt8]]
  /// Every one must be reported; with no other diagnostic unless `othersAllowed`.
  var expected: [ExpectedDiagnostic]
  var othersAllowed = false

  var testDescription: String { name }

  init(_ name: String, files: [String: [UInt8]], mainFile: String, expected: [ExpectedDiagnostic]) {
    self.name = name
    self.files = files
    self.expected = expected.map { expectation in
      var expectation = expectation
      expectation.file = expectation.file ?? mainFile
      return expectation
    }
  }

  /// A partner record at `partners/p.yaml`, on its own.
  static func partner(_ name: String, _ text: String, _ expected: ExpectedDiagnostic...) -> Self {
    Self(name, files: [partnerPath: Array(text.utf8)], mainFile: partnerPath, expected: expected)
  }

  /// A case file at `cases/p/C-1.md`, next to a healthy partner record for `p`.
  static func escalation(_ name: String, _ text: String, _ expected: ExpectedDiagnostic...) -> Self {
    Self(
      name, files: [casePath: Array(text.utf8), partnerPath: Array(healthyPartner.utf8)], mainFile: casePath,
      expected: expected)
  }

  /// Several files; expectations name their file.
  static func tree(_ name: String, _ files: [String: String], _ expected: ExpectedDiagnostic...) -> Self {
    Self(name, files: files.mapValues { Array($0.utf8) }, mainFile: "?", expected: expected)
  }

  /// One file given as bytes; a case file gets a healthy partner record beside it.
  static func bytes(_ name: String, path: String, _ bytes: [UInt8], _ expected: ExpectedDiagnostic...) -> Self {
    var files = [path: bytes]
    if path.hasPrefix("cases/p/") { files[partnerPath] = Array(healthyPartner.utf8) }
    return Self(name, files: files, mainFile: path, expected: expected)
  }

  /// Loads the tree and checks the expectations; returns the diagnostics for further checks.
  @discardableResult
  func check(sourceLocation: Testing.SourceLocation = #_sourceLocation) -> [Diagnostic] {
    // The scenario's files replace the tree's own (its standards or site settings).
    let contentFiles = Tree().files.mapValues { Array($0.utf8) }.merging(files) { _, scenario in scenario }
      .map { ContentFile(path: $0.key, bytes: $0.value) }
    let diagnostics = ContentLoader.load(contentFiles).diagnostics
    let report = diagnostics.isEmpty ? "  (none)" : diagnostics.map { "  \(Self.describe($0))" }.joined(separator: "\n")
    for expectation in expected {
      #expect(
        diagnostics.contains(where: expectation.matches),
        "expected \(expectation)\nfound:\n\(report)", sourceLocation: sourceLocation)
    }
    if !othersAllowed {
      let unexpected = diagnostics.filter { diagnostic in !expected.contains { $0.matches(diagnostic) } }
      #expect(
        unexpected.isEmpty,
        "unexpected diagnostics:\n\(unexpected.map { "  \(Self.describe($0))" }.joined(separator: "\n"))",
        sourceLocation: sourceLocation)
    }
    return diagnostics
  }

  static func describe(_ diagnostic: Diagnostic) -> String {
    let location = diagnostic.location
    return "\(location.file):\(location.line):\(location.column): \(diagnostic.severity.rawValue): "
      + diagnostic.message
  }
}

/// The plain-words indentation check runs only after libyaml has failed; it must still never blame a line
/// of a valid text, or a real syntax error elsewhere would be reported at the wrong line.
@Suite struct YAMLIndentationTests {
  @Test func findsNothingInValidYAML() throws {
    let content = repositoryRoot.appendingPathComponent("content")
    let partners = try FileManager.default.contentsOfDirectory(atPath: content.path + "/partners")
    let texts =
      try (["standards.yaml", "site.yaml"] + partners.map { "partners/" + $0 }).map {
        try String(contentsOf: content.appendingPathComponent($0), encoding: .utf8)
      } + [
        """
        name: Block styles
        notes: |
          A block scalar's lines
            may be indented freely:
        - even like this
        tiers:
        - reviewed: 2026-01-15
          tier: gold
          extra:
            - nested: [a,
                b]
            - deeper:
                - x
        - { reviewed: 2026-06-15, tier: gold }  # a comment
        """
      ]
    for text in texts {
      #expect(YAMLIndentation.problem(in: text, through: Int.max) == nil, "\(text.prefix(40))")
    }
  }
}

/// The JSON Schemas in `schemas/` (for editors) allow exactly the keys the loaders allow, object by object,
/// so that a key an editor completes is never one `check` rejects, and the other way round.
@Suite struct SchemaTests {
  @Test(arguments: FormatKeys.schemas.keys.sorted())
  func theSchemaAllowsExactlyTheLoadersKeys(file: String) throws {
    let url = repositoryRoot.appendingPathComponent("schemas/\(file)")
    let schema = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    let definitions = schema["$defs"] as? [String: Any] ?? [:]
    var objects: [String: [String: Any]] = ["": schema]
    for (name, definition) in definitions {
      if let definition = definition as? [String: Any], definition["properties"] != nil { objects[name] = definition }
    }
    let expected = try #require(FormatKeys.schemas[file])
    #expect(Set(objects.keys) == Set(expected.keys), "objects with properties in \(file)")
    for (name, keys) in expected {
      let object = try #require(objects[name], "\(file): no object '\(name)'")
      let properties = try #require(object["properties"] as? [String: Any])
      #expect(Set(properties.keys) == Set(keys), "\(file) \(name.isEmpty ? "top level" : name)")
      #expect(object["additionalProperties"] as? Bool == false, "\(file) \(name): unknown keys must be flagged")
    }
  }
}
