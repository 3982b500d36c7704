// What a day of the calendar does to a partner's statuses if nothing else changes: `accredit upcoming`
// and the site's actions page both show this one projection.

/// One accreditation's status on a later day, against its status on the evaluation date.
public struct StatusOutlook: Sendable {
  /// The accreditation type slug.
  public var type: String
  /// The issue date.
  public var issued: Day
  /// The status on the evaluation date; nil for an accreditation issued after it.
  public var now: AccreditationStatus?
  /// The evaluation on the later day: its status and the reasons for it.
  public var then: AccreditationEvaluation

  /// Whether the day changes the status.
  public var changes: Bool { now != then.status }
}

extension CalendarEvent {
  /// The day whose evaluation shows what the event does: the day after a grace period's last day, the
  /// event's own day otherwise.
  public var effectDay: Day { kind == .graceEnds ? date.adding(days: 1) : date }
}

extension Evaluator {
  /// The statuses of `partner`'s accreditations on `day` if nothing changes, each with its status in `now`
  /// (the partner's evaluation on the evaluation date), matched by type and issue date.
  public func outlook(
    of partner: Partner, cases: [EscalationCase], now: PartnerEvaluation?, on day: Day
  ) -> [StatusOutlook] {
    let then = evaluate(partner, cases: cases, asOf: day)
    var before: [String: AccreditationStatus] = [:]
    for item in now?.accreditations ?? [] {
      before["\(item.type)@\(item.issued)"] = before["\(item.type)@\(item.issued)"] ?? item.status
    }
    return then.accreditations.map { item in
      StatusOutlook(type: item.type, issued: item.issued, now: before["\(item.type)@\(item.issued)"], then: item)
    }
  }
}
