public import AccreditEngine

/// Writes a valid content tree of N partners × M cases for benchmarks: realistic 1–3 KB case notes,
/// every status represented, the same bytes for the same seed.
public struct FixtureGenerator: Sendable {
  /// The number of partners.
  public var partners: Int
  /// Cases per partner (at least 5, so that a partner can carry more than 3 marks and an open case).
  public var casesPerPartner: Int
  /// The seed of the pseudo-random choices.
  public var seed: UInt64
  /// The evaluation date written to `site.yaml`.
  public var asOf = Day(year: 2026, month: 11, day: 15) ?? Day(daysSinceUnixEpoch: 20_772)

  /// Creates a generator.
  public init(partners: Int, casesPerPartner: Int, seed: UInt64 = 1) {
    self.partners = partners
    self.casesPerPartner = max(5, casesPerPartner)
    self.seed = seed
  }

  /// Every file of the tree, path relative to the content folder → text, handed to `write` one by one
  /// so that a large tree is never held in memory whole.
  public func generate(_ write: (String, String) throws -> Void) rethrows {
    try write(
      "site.yaml", "title: Generated Partner Program\nbase_url: https://status.example.internal/\nas_of: \(asOf.iso)\n")
    try write("standards.yaml", FixtureGenerator.standards)
    try write(
      "faq/how-often.md",
      "---\nquestion: How often is an accreditation evaluated?\norder: 1\n---\nEvery six months from its issue date.\n")
    try write("pages/about.md", "---\ntitle: About this site\norder: 1\n---\nA generated site for benchmarks.\n")
    for index in 0..<partners {
      var random = SplitMix64(seed: seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
      let partner = PartnerPlan(index: index, asOf: asOf, cases: casesPerPartner, random: &random)
      try write("partners/\(partner.slug).yaml", partner.record)
      for escalation in partner.cases {
        try write("cases/\(partner.slug)/\(escalation.id).md", escalation.file(notes: notes(&random)))
      }
    }
  }

  // Between 1 and 3 KB of Markdown: a few paragraphs, sometimes a list and emphasis.
  private func notes(_ random: inout SplitMix64) -> String {
    let target = 1_024 + Int(random.next() % 2_048)
    var text = ""
    var paragraph = 0
    while text.utf8.count < target {
      if paragraph % 3 == 2 {
        for _ in 0..<(2 + Int(random.next() % 3)) { text += "- " + sentence(&random) + "\n" }
      } else {
        for _ in 0..<(3 + Int(random.next() % 4)) { text += sentence(&random) + " " }
        text.removeLast()
        text += "\n"
      }
      text += "\n"
      paragraph += 1
    }
    return text
  }

  private func sentence(_ random: inout SplitMix64) -> String {
    let count = 8 + Int(random.next() % 10)
    var words: [String] = []
    for position in 0..<count {
      var word = FixtureGenerator.words[Int(random.next() % UInt64(FixtureGenerator.words.count))]
      if position == 0 { word = word.prefix(1).uppercased() + word.dropFirst() }
      if random.next() % 29 == 0 { word = "**\(word)**" }
      words.append(word)
    }
    return words.joined(separator: " ") + "."
  }

  static let words = [
    "customer", "partner", "portal", "migration", "import", "workflow", "invoice", "pipeline", "report",
    "mediation", "refund", "contract", "deadline", "integration", "sandbox", "dashboard", "account", "records",
    "delay", "support", "ticket", "review", "agreed", "escalated", "confirmed", "requested", "missing", "duplicate",
    "settings", "owner", "property", "sync", "the", "a", "with", "after", "before", "during", "and", "was", "were",
    "team", "manager", "schedule", "scope", "change", "budget", "weekly", "call", "summary", "fix", "release",
  ]

  static let standards = """
    tiers: [partner, gold, platinum, diamond, elite]
    eligible_tiers: [platinum, diamond, elite]
    tier_review_months: [1, 6]
    evaluation_interval_months: 6
    marks_review_threshold: 3
    universal_certifications: [program]
    certifications:
      program: Partner Program Fundamentals
      sales: Sales Software
      service: Service Software
      data: Data Operations
    accreditations:
      crm:
        name: CRM Implementation
        certifications: [sales, service]
      migration:
        name: Platform Migration
        certifications: [data]

    """
}

/// What one generated partner is, chosen by its index so that every status appears in every tenth.
private struct PartnerPlan {
  enum Kind: CaseIterable {
    case accredited, ineligible, grace, expired, marks, revoked, serious
  }

  struct Case {
    let id: String
    let steps: [(String, Day)]
    let outcome: (String, Day)?
    let isSerious: Bool

    func file(notes: String) -> String {
      var text = "---\ncustomer: Customer \(id)\n"
      if isSerious { text += "serious: true\n" }
      text += "steps:\n"
      for (stage, day) in steps { text += "  - { stage: \(stage), date: \(day.iso) }\n" }
      if let (decision, day) = outcome { text += "outcome: { decision: \(decision), date: \(day.iso) }\n" }
      return text + "---\n" + notes
    }
  }

  let slug: String
  let record: String
  let cases: [Case]

  init(index: Int, asOf: Day, cases count: Int, random: inout SplitMix64) {
    let kinds: [Kind] = [
      .ineligible, .grace, .expired, .marks, .revoked, .serious, .accredited, .accredited,
      .accredited, .accredited,
    ]
    let kind = kinds[index % kinds.count]
    let number = String(index + 1)
    let padded = String(repeating: "0", count: max(0, 5 - number.count)) + number
    slug = "partner-\(padded)"
    let issued = asOf.adding(days: -(100 + Int(random.next() % 700)))
    let tier =
      kind == .ineligible || kind == .grace ? "gold" : ["platinum", "diamond", "elite"][Int(random.next() % 3)]
    var record = "name: Partner \(padded) Consulting\nregion: \(["EMEA", "AMER", "APAC"][index % 3])\n"
    record += "tiers:\n  - { reviewed: \(asOf.year - 1)-06-15, tier: platinum }\n"
    record += "  - { reviewed: \(asOf.year)-06-15, tier: \(tier) }\n"
    if kind == .grace {
      record += "grace:\n  - { from: \(asOf.year)-07-01, until: \(asOf.year)-12-31, note: Agreed with the PDM }\n"
    }
    let salesExpiry = kind == .expired ? asOf.adding(days: -20) : asOf.adding(days: 400)
    record += "certifications:\n  - { name: program, earned: \(issued.adding(days: -200).iso) }\n"
    record += "  - { name: sales, earned: \(issued.adding(days: -100).iso), expires: \(salesExpiry.iso) }\n"
    record += "  - { name: service, earned: \(issued.adding(days: -90).iso) }\n"
    record += "accreditations:\n  - { type: crm, issued: \(issued.iso) }\n"
    if kind == .revoked {
      record +=
        "decisions:\n  - { date: \(asOf.adding(days: -30).iso), accreditation: all, outcome: revoke, "
        + "director_approval: true }\n"
    }
    self.record = record

    cases = (0..<count).map { Self.plannedCase($0, of: kind, padded: padded, asOf: asOf, random: &random) }
  }

  /// Case `caseIndex` of a partner of `kind`: its escalation path, outcome and dates (drawn from `random`).
  private static func plannedCase(_ caseIndex: Int, of kind: Kind, padded: String, asOf: Day, random: inout SplitMix64)
    -> Case
  {
    let id = "P\(padded)-C\(caseIndex + 1 < 10 ? "0" : "")\(caseIndex + 1)"
    let start = asOf.adding(days: -(40 + Int(random.next() % 600)))
    let path: (stages: Int, outcome: String?, serious: Bool)
    if kind == .marks && caseIndex < 4 {
      path = (4, "mark", false)
    } else if kind == .serious && caseIndex == 0 {
      path = (-1, nil, true)
    } else {
      let choices: [(Int, String?)] = [
        (1, "resolved"), (2, "resolved"), (2, "resolved"), (3, "no-fault"),
        (4, "no-fault"), (1, nil), (2, nil), (3, nil),
      ]
      let choice = choices[Int(random.next() % UInt64(choices.count))]
      path = (choice.0, choice.1, false)
    }
    var steps: [(String, Day)] = []
    let stages = ["complaint", "mediation", "partner-ops", "review-board"]
    if path.stages == -1 {
      steps = [("complaint", asOf.adding(days: -10)), ("review-board", asOf.adding(days: -5))]
    } else {
      for (position, stage) in stages.prefix(path.stages).enumerated() {
        steps.append((stage, start.adding(days: position * 7)))
      }
    }
    let outcome = path.outcome.map { ($0, (steps.last?.1 ?? start).adding(days: 5)) }
    return Case(id: id, steps: steps, outcome: outcome, isSerious: path.serious)
  }
}

/// A small, fast, seedable pseudo-random generator (SplitMix64), so that a seed always gives the same tree.
struct SplitMix64 {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
