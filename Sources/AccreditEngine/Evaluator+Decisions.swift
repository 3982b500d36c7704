// Review board rules: revocation, and the marks review that a retain decision settles.

extension Evaluator {
  /// The director-approved revocation in force for `accreditation` on `day`: dated on or before the day
  /// and on or after the issue date, for its type or `all`. The earliest such decision is the evidence.
  func revocation(of accreditation: Accreditation, in decisions: [Decision], on day: Day) -> Decision? {
    decisions
      .filter {
        $0.outcome == .revoke && $0.hasDirectorApproval && $0.applies(to: accreditation.type)
          && $0.date <= day && $0.date >= accreditation.issued
      }
      .min { $0.date < $1.date }
  }

  /// The failed marks check, if any: more marks than the threshold and no `retain` decision for the
  /// accreditation's type (or `all`) dated on or after the latest mark and on or before `day`.
  func marksReason(for type: String, marks: [Mark], decisions: [Decision], on day: Day) -> Reason? {
    guard marks.count > standards.marksReviewThreshold, let latest = marks.last else { return nil }
    let retained = decisions.contains {
      $0.outcome == .retain && $0.applies(to: type) && $0.date >= latest.date && $0.date <= day
    }
    guard !retained else { return nil }
    let message =
      "\(marks.count) marks on record, more than \(standards.marksReviewThreshold): the review board must "
      + "review before renewal (latest mark \(latest.date.display), case \(latest.caseID))"
    return Reason(
      rule: .marks, message: message, location: latest.location, caseID: latest.caseID,
      brief: "\(marks.count) marks")
  }

  /// The `decision` reason for a revocation.
  func revocationReason(_ decision: Decision, on day: Day) -> Reason {
    var message = "Revoked by the review board on \(decision.date.display) with director approval"
    if let caseID = decision.caseID { message += " (case \(caseID))" }
    return Reason(
      rule: .decision, message: message, location: decision.location, caseID: decision.caseID,
      brief: "revoked \(decision.date.display(relativeTo: day))")
  }
}

extension Evaluator {
  /// The latest `retain` decision for accreditations of `type` (or `all`) dated on or before `day`: what
  /// settled the last marks review, shown on the review board's agenda.
  public func latestRetain(of type: String, in decisions: [Decision], on day: Day) -> Decision? {
    decisions.filter { $0.outcome == .retain && $0.applies(to: type) && $0.date <= day }.max { $0.date < $1.date }
  }

  /// Whether one more mark sends the partner to the review board: its marks on record are exactly the
  /// threshold (the marks check fails at more than the threshold).
  public func isOneMarkFromReview(_ evaluation: PartnerEvaluation) -> Bool {
    evaluation.marks.count == standards.marksReviewThreshold
  }
}
