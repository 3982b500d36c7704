// Tier rules: the effective tier, eligibility, grace and the next tier review.

extension Evaluator {
  /// The tier review in force on `day`: the latest one dated on or before it.
  func effectiveTierReview(of partner: Partner, on day: Day) -> TierReview? {
    partner.tiers.filter { $0.reviewed <= day }.max { $0.reviewed < $1.reviewed }
  }

  /// The grace period covering `day`; of several, the one that lasts longest.
  func activeGrace(of partner: Partner, on day: Day) -> GracePeriod? {
    partner.grace.filter { $0.covers(day) }.max { $0.until < $1.until }
  }

  /// The first tier review month strictly after `day`'s month; nil when the standards name no month.
  func nextTierReview(after day: Day) -> YearMonth? {
    let months = Set(standards.tierReviewMonths.filter { (1...12).contains($0) })
    guard !months.isEmpty else { return nil }
    var candidate = Day(year: day.year, month: day.month, day: 1) ?? day
    repeat {
      candidate = candidate.adding(months: 1)
    } while !months.contains(candidate.month)
    return YearMonth(candidate)
  }

  /// The failed tier check, if any: a `grace` reason while a grace period covers the date,
  /// otherwise a `tier` reason.
  func tierReason(partner: Partner, review: TierReview?, grace: GracePeriod?, on day: Day) -> Reason? {
    let eligible = standards.eligibleTiers.joined(separator: ", ")
    guard let review else {
      return Reason(
        rule: .tier, message: "No tier review on record on or before \(day.display)",
        location: partner.location, brief: "no tier review")
    }
    guard !standards.eligibleTiers.contains(review.tier) else { return nil }
    let below = "Tier \(review.tier) (reviewed \(review.reviewed.display)) is below the eligible tiers (\(eligible))"
    if let grace {
      return Reason(
        rule: .grace, message: "\(below); grace period to remediate until \(grace.until.display)",
        location: grace.location, brief: "grace ends \(grace.until.display(relativeTo: day))")
    }
    return Reason(
      rule: .tier, message: "\(below) and no grace period covers \(day.display)", location: review.location,
      brief: "tier \(review.tier), no grace")
  }
}
