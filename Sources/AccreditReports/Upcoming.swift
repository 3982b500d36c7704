public import AccreditEngine

/// Something the calendar will bring without any new commit, and what it does to the partner's statuses.
public struct UpcomingEvent: Sendable, Equatable {
  /// When.
  public var date: Day
  /// `evaluation`, `tier-review`, `grace-ends`, `certification-expires`.
  public var kind: String
  /// The partner's slug (empty for the tier review, which concerns every partner).
  public var partner: String
  /// The partner's name.
  public var partnerName: String
  /// What happens.
  public var detail: String
  /// The statuses on that day if nothing changes, e.g. `CRM Implementation: at-risk → ineligible`.
  public var outlook: String

  /// The event as one line.
  public var line: String {
    let who = partnerName.isEmpty ? "" : "\(partnerName) · "
    return "\(date.display) · \(who)\(detail)" + (outlook.isEmpty ? "" : " — \(outlook)")
  }
}

/// What falls due in a window after a date: the engine's calendar, each event with the statuses it brings.
public enum UpcomingEvents {
  /// The events after `asOf` and within `days` days, in date order.
  public static func within(
    days: Int, after asOf: Day, partners: [Partner], cases: [EscalationCase], standards: Standards
  ) -> [UpcomingEvent] {
    let evaluator = Evaluator(standards: standards)
    let casesByPartner = Dictionary(grouping: cases, by: \.partnerSlug)
    let bySlug = Dictionary(partners.map { ($0.slug, $0) }, uniquingKeysWith: { first, _ in first })
    func name(_ type: String) -> String { standards.accreditationType(type)?.name ?? type }
    let evaluations = partners.sorted { $0.slug < $1.slug }.map {
      evaluator.evaluate($0, cases: casesByPartner[$0.slug] ?? [], asOf: asOf)
    }
    let now = Dictionary(evaluations.map { ($0.slug, $0) }, uniquingKeysWith: { first, _ in first })

    // The statuses of `partner`'s accreditations on `day`, with the changes since `asOf`.
    func outlook(_ partner: Partner, on day: Day) -> String {
      let then = evaluator.evaluate(partner, cases: casesByPartner[partner.slug] ?? [], asOf: day)
      let before = Dictionary(
        (now[partner.slug]?.accreditations ?? []).map { ("\($0.type)@\($0.issued)", $0.status) },
        uniquingKeysWith: { first, _ in first })
      return then.accreditations.map { item in
        if let old = before["\(item.type)@\(item.issued)"], old != item.status {
          return "\(name(item.type)): \(old.rawValue) → \(item.status.rawValue)"
        }
        return "\(name(item.type)): \(item.status.rawValue)"
      }.joined(separator: ", ")
    }

    let events = evaluator.calendar(
      after: asOf, through: asOf.adding(days: days), partners: partners, evaluations: evaluations)
    let upcoming = events.map { event -> (order: Int, event: UpcomingEvent) in
      let partner = event.partner.flatMap { bySlug[$0] }
      let detail: String
      var outlookDay = event.date
      switch event.kind {
      case .evaluation: detail = "\(name(event.subject ?? "")) is evaluated"
      case .tierReview: detail = "tier reviews of every partner begin (\(YearMonth(event.date).iso))"
      case .graceEnds:
        detail = "grace period ends (last day)"
        outlookDay = event.date.adding(days: 1)
      case .certificationExpires:
        detail = "certification \(standards.certificationName(event.subject ?? "")) expires"
      }
      return (
        event.kind.rank,
        UpcomingEvent(
          date: event.date, kind: event.kind.rawValue, partner: partner?.slug ?? "", partnerName: partner?.name ?? "",
          detail: detail, outlook: partner.map { outlook($0, on: outlookDay) } ?? "")
      )
    }
    return upcoming.sorted {
      ($0.event.date, $0.order, $0.event.partnerName, $0.event.detail)
        < ($1.event.date, $1.order, $1.event.partnerName, $1.event.detail)
    }.map(\.event)
  }
}
