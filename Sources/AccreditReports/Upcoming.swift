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

/// What falls due in a window after a date.
public enum UpcomingEvents {
  /// The events after `asOf` and within `days` days, in date order.
  public static func within(
    days: Int, after asOf: Day, partners: [Partner], cases: [EscalationCase], standards: Standards
  ) -> [UpcomingEvent] {
    let evaluator = Evaluator(standards: standards)
    let horizon = asOf.adding(days: days)
    let casesByPartner = Dictionary(grouping: cases, by: \.partnerSlug)
    func name(_ type: String) -> String { standards.accreditationType(type)?.name ?? type }
    var events: [(order: Int, event: UpcomingEvent)] = []

    for partner in partners.sorted(by: { $0.slug < $1.slug }) {
      let partnerCases = casesByPartner[partner.slug] ?? []
      let now = evaluator.evaluate(partner, cases: partnerCases, asOf: asOf)
      func outlook(on day: Day) -> String {
        let then = evaluator.evaluate(partner, cases: partnerCases, asOf: day)
        let before = Dictionary(
          now.accreditations.map { ("\($0.type)@\($0.issued)", $0.status) }, uniquingKeysWith: { first, _ in first })
        return then.accreditations.map { item in
          let old = before["\(item.type)@\(item.issued)"]
          if let old, old != item.status {
            return "\(name(item.type)): \(old.rawValue) → \(item.status.rawValue)"
          }
          return "\(name(item.type)): \(item.status.rawValue)"
        }.joined(separator: ", ")
      }
      func add(_ day: Day, _ order: Int, _ kind: String, _ detail: String, outlookOn: Day) {
        guard day > asOf, day <= horizon else { return }
        events.append(
          (
            order,
            UpcomingEvent(
              date: day, kind: kind, partner: partner.slug, partnerName: partner.name, detail: detail,
              outlook: outlook(on: outlookOn))
          ))
      }
      for accreditation in now.accreditations where accreditation.status != .revoked {
        add(
          accreditation.nextEvaluation, 0, "evaluation", "\(name(accreditation.type)) is evaluated",
          outlookOn: accreditation.nextEvaluation)
      }
      if let grace = now.grace {
        let after = grace.until.adding(days: 1)
        add(grace.until, 2, "grace-ends", "grace period ends (last day)", outlookOn: after)
      }
      for certification in partner.certifications where certification.isHeld(on: asOf) {
        guard let expires = certification.expires else { continue }
        add(
          expires, 3, "certification-expires",
          "certification \(standards.certificationName(certification.name)) expires", outlookOn: expires)
      }
    }
    let monthStart = Day(year: asOf.year, month: asOf.month, day: 1) ?? asOf
    var month = monthStart.adding(months: 1)
    while month <= horizon {
      if standards.tierReviewMonths.contains(month.month) {
        events.append(
          (
            1,
            UpcomingEvent(
              date: month, kind: "tier-review", partner: "", partnerName: "",
              detail: "tier reviews of every partner begin (\(YearMonth(month).iso))", outlook: "")
          ))
      }
      month = month.adding(months: 1)
    }
    return events.sorted {
      ($0.event.date, $0.order, $0.event.partnerName, $0.event.detail)
        < ($1.event.date, $1.order, $1.event.partnerName, $1.event.detail)
    }.map(\.event)
  }
}
