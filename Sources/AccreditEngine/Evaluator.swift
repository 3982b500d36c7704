/// Evaluates the standards for partners as of a date.
///
/// Pure: records in, evaluation out. It reads no files and no clock; the content is assumed to
/// have passed validation (see `AccreditContent`).
public struct Evaluator: Sendable {
  /// The program's standards.
  public let standards: Standards

  /// Creates an evaluator for a set of standards.
  public init(standards: Standards) {
    self.standards = standards
  }

  /// Evaluates one partner as of `day`, given the partner's own cases.
  public func evaluate(_ partner: Partner, cases: [EscalationCase], asOf day: Day) -> PartnerEvaluation {
    let review = effectiveTierReview(of: partner, on: day)
    let isTierEligible = review.map { standards.eligibleTiers.contains($0.tier) } ?? false
    let grace = activeGrace(of: partner, on: day)
    let marks = marks(in: cases, on: day)
    let tierReason = tierReason(partner: partner, review: review, grace: grace, on: day)
    let seriousReasons = seriousCaseReasons(in: cases, on: day)

    let accreditations = partner.accreditations
      .filter { $0.issued <= day }
      .sorted { ($0.type, $0.issued) < ($1.type, $1.issued) }
      .map { accreditation in
        evaluate(
          accreditation, of: partner, marks: marks, isTierEligible: isTierEligible, isInGrace: grace != nil,
          tierReason: tierReason, seriousReasons: seriousReasons, on: day)
      }

    return PartnerEvaluation(
      slug: partner.slug, name: partner.name, tier: review?.tier, tierReview: review,
      isTierEligible: isTierEligible, grace: grace, marks: marks, nextTierReview: nextTierReview(after: day),
      accreditations: accreditations, openCases: openCases(in: cases, on: day))
  }

  /// Evaluates every partner as of `day`; `cases` may hold every partner's cases. Each partner is evaluated
  /// on its own, so `map` may run them in parallel (the site builder does); the order is by slug.
  public func evaluate(
    _ partners: [Partner], cases: [EscalationCase], asOf day: Day,
    mapping map: ([Partner], @Sendable (Partner) -> PartnerEvaluation) -> [PartnerEvaluation] = { $0.map($1) }
  ) -> [PartnerEvaluation] {
    let casesByPartner = Dictionary(grouping: cases, by: \.partnerSlug)
    return map(partners.sorted { $0.slug < $1.slug }) { evaluate($0, cases: casesByPartner[$0.slug] ?? [], asOf: day) }
  }

  /// The first date `issued + k × interval` (k ≥ 1) strictly after `day`, each computed from the
  /// issue date so that clamping at a short month does not drift (2025-08-31 → 2026-02-28 → 2026-08-31).
  public func nextEvaluation(issued: Day, after day: Day) -> Day {
    let interval = max(1, standards.evaluationIntervalMonths)
    // Skip the whole intervals that certainly end on or before `day`, then step.
    let monthsApart = (day.year - issued.year) * 12 + (day.month - issued.month)
    var k = max(1, monthsApart / interval)
    while issued.adding(months: k * interval) <= day { k += 1 }
    while k > 1 && issued.adding(months: (k - 1) * interval) > day { k -= 1 }
    return issued.adding(months: k * interval)
  }

  // The status is the first that applies: revoked, ineligible, under review, at risk, accredited.
  // Every failed check becomes a reason, whichever decided the status.
  private func evaluate(
    _ accreditation: Accreditation, of partner: Partner, marks: [Mark], isTierEligible: Bool, isInGrace: Bool,
    tierReason: Reason?, seriousReasons: [Reason], on day: Day
  ) -> AccreditationEvaluation {
    let revocation = revocation(of: accreditation, in: partner.decisions, on: day)
    let marksReason = marksReason(for: accreditation.type, marks: marks, decisions: partner.decisions, on: day)
    let missing = missingCertifications(
      for: accreditation.type, of: partner, accreditation: accreditation, on: day)

    let status: AccreditationStatus =
      if revocation != nil { .revoked } else if !isTierEligible && !isInGrace {
        .ineligible
      } else if marksReason != nil || !seriousReasons.isEmpty {
        .underReview
      } else if (!isTierEligible && isInGrace) || !missing.isEmpty { .atRisk } else { .accredited }

    var reasons: [Reason] = []
    if let revocation { reasons.append(revocationReason(revocation, on: day)) }
    if let tierReason { reasons.append(tierReason) }
    if let marksReason { reasons.append(marksReason) }
    reasons += seriousReasons
    reasons += missing.map(\.reason)

    return AccreditationEvaluation(
      type: accreditation.type, issued: accreditation.issued, status: status,
      nextEvaluation: revocation == nil ? nextEvaluation(issued: accreditation.issued, after: day) : nil,
      revokedOn: revocation?.date,
      missingCertifications: missing.map(\.slug), reasons: reasons, location: accreditation.location)
  }
}
