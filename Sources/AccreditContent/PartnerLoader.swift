import AccreditEngine

/// Reads one partner record and checks it against the standards.
struct PartnerLoader {
  let document: YAMLDocument
  /// Nil when `standards.yaml` itself could not be read: references are then not checked.
  let standards: Standards?

  static func load(_ source: SourceText, slug: String, standards: Standards?, sink: DiagnosticSink) -> Partner? {
    let loader = PartnerLoader(
      document: YAMLDocument(path: source.path, lineOffset: 0, sink: sink), standards: standards)
    return loader.load(source.text, slug: slug)
  }

  private func load(_ text: String, slug: String) -> Partner? {
    guard let root = document.compose(text, emptyMessage: "partner record is empty"),
      let fields = Fields(root, in: document, what: "partner record", allowed: FormatKeys.partner)
    else { return nil }
    let name = fields.name("name", required: true)

    let tierNodes = fields.list("tiers")
    let tiers = tierNodes.compactMap(tierReview)
    // A `tiers:` that is not a list was reported already by `list`.
    if tierNodes.isEmpty && fields.value("tiers")?.sequence != nil || fields.value("tiers") == nil {
      document.sink.error(
        "partner has no tier entry: add one under 'tiers', e.g. { reviewed: 2026-06-30, tier: platinum }",
        at: fields.keyLocation("tiers"))
    }
    let accreditations = fields.list("accreditations").compactMap(accreditation)
    let partner = Partner(
      slug: slug, name: name ?? slug, region: fields.text("region"), website: fields.text("website"),
      pdm: fields.text("pdm"), tiers: tiers, grace: fields.list("grace").compactMap(gracePeriod),
      certifications: fields.list("certifications").compactMap(certification), accreditations: accreditations,
      decisions: fields.list("decisions").compactMap { decision($0, held: Set(accreditations.map(\.type))) },
      location: document.start)
    return name == nil ? nil : partner
  }

  private func tierReview(_ node: YAMLNode) -> TierReview? {
    guard let entry = Fields(node, in: document, what: "tier entry", allowed: FormatKeys.tierEntry) else { return nil }
    let reviewed = entry.day("reviewed", required: true)
    let tier = entry.text("tier", required: true)
    if let tier, let standards, !standards.tiers.contains(tier), let value = entry.value("tier") {
      document.error(
        "unknown tier '\(tier)'\(Suggestion.hint(for: tier, in: standards.tiers)); tiers are "
          + standards.tiers.joined(separator: ", "), at: value)
    }
    if let reviewed, let standards, !standards.tierReviewMonths.contains(reviewed.month),
      let value = entry.value("reviewed")
    {
      let months = standards.tierReviewMonths.map(PartnerLoader.monthName).joined(separator: " and ")
      document.warning(
        "tier review dated \(reviewed.iso) falls outside the tier review months (\(months))", at: value)
    }
    guard let reviewed, let tier else { return nil }
    return TierReview(reviewed: reviewed, tier: tier, location: entry.location)
  }

  private func gracePeriod(_ node: YAMLNode) -> GracePeriod? {
    guard let entry = Fields(node, in: document, what: "grace entry", allowed: FormatKeys.graceEntry) else {
      return nil
    }
    let from = entry.day("from", required: true)
    let until = entry.day("until", required: true)
    let note = entry.text("note")
    guard let from, let until else { return nil }
    if until < from, let value = entry.value("until") {
      document.error("grace period ends (\(until.iso)) before it starts (\(from.iso))", at: value)
      return nil
    }
    return GracePeriod(from: from, until: until, note: note, location: entry.location)
  }

  private func certification(_ node: YAMLNode) -> EarnedCertification? {
    guard
      let entry = Fields(node, in: document, what: "certification entry", allowed: FormatKeys.certificationEntry)
    else { return nil }
    let name = entry.text("name", required: true)
    let earned = entry.day("earned", required: true)
    let expires = entry.day("expires")
    if let name, let standards, !standards.certifications.contains(where: { $0.slug == name }),
      let value = entry.value("name")
    {
      let slugs = standards.certifications.map(\.slug)
      // An error, not a warning: a typo must never change a published status (SPEC section 3).
      document.error(
        "certification '\(name)' is not in the standards' catalog\(Suggestion.hint(for: name, in: slugs))",
        at: value)
    }
    if let earned, let expires, expires < earned, let value = entry.value("expires") {
      document.error("certification expires (\(expires.iso)) before it was earned (\(earned.iso))", at: value)
    }
    guard let name, let earned else { return nil }
    return EarnedCertification(name: name, earned: earned, expires: expires, location: entry.location)
  }

  private func accreditation(_ node: YAMLNode) -> Accreditation? {
    guard let entry = Fields(node, in: document, what: "accreditation entry", allowed: FormatKeys.accreditationEntry)
    else {
      return nil
    }
    let type = entry.text("type", required: true)
    let issued = entry.day("issued", required: true)
    if let type, let standards, standards.accreditationType(type) == nil, let value = entry.value("type") {
      let slugs = standards.accreditations.map(\.slug)
      document.error("unknown accreditation type '\(type)'\(Suggestion.hint(for: type, in: slugs))", at: value)
      return nil
    }
    guard let type, let issued else { return nil }
    return Accreditation(type: type, issued: issued, location: entry.location)
  }

  private func decision(_ node: YAMLNode, held: Set<String>) -> Decision? {
    guard let entry = Fields(node, in: document, what: "decision", allowed: FormatKeys.decision) else { return nil }
    let date = entry.day("date", required: true)
    let accreditation = entry.text("accreditation", required: true)
    let outcomeText = entry.text("outcome", required: true)
    let approval = entry.bool("director_approval") ?? false
    let caseID = entry.text("case")
    let note = entry.text("note")

    var outcome: Decision.Outcome?
    if let outcomeText {
      outcome = Decision.Outcome(rawValue: outcomeText)
      if outcome == nil, let value = entry.value("outcome") {
        let names = Decision.Outcome.allCases.map(\.rawValue)
        document.error(
          "unknown decision outcome '\(outcomeText)'\(Suggestion.hint(for: outcomeText, in: names)); "
            + "outcomes are retain, revoke", at: value)
      }
    }
    if outcome == .revoke && !approval {
      document.sink.error(
        "revocation needs director-level approval: add 'director_approval: true' once a director has approved it",
        at: entry.keyLocation("outcome"))
    }
    if let accreditation, accreditation != Decision.allAccreditations, !held.contains(accreditation),
      let value = entry.value("accreditation")
    {
      document.error(
        "decision names accreditation '\(accreditation)', which this partner never held"
          + Suggestion.hint(for: accreditation, in: held.sorted() + [Decision.allAccreditations]), at: value)
      return nil
    }
    guard let date, let accreditation, let outcome else { return nil }
    return Decision(
      date: date, accreditation: accreditation, outcome: outcome, hasDirectorApproval: approval, caseID: caseID,
      note: note, location: entry.location)
  }

  static func monthName(_ month: Int) -> String {
    (1...12).contains(month) ? Day.monthNames[month - 1] : String(month)
  }
}
