public import AccreditEngine

/// Something the calendar will bring without any new commit, and what it does to the partner's statuses.
public struct UpcomingEvent: Sendable, Equatable {
  /// When.
  public var date: Day
  /// What falls due.
  public var kind: CalendarEvent.Kind
  /// The partner's slug (empty for the tier review, which concerns every partner).
  public var partner: String
  /// The partner's name.
  public var partnerName: String
  /// The name of the accreditation evaluated or of the certification expiring; empty for other kinds.
  public var subject: String
  /// The statuses on that day if nothing changes, one for each accreditation.
  public var statuses: [Outlook]

  /// One accreditation's status on the event's day.
  public struct Outlook: Sendable, Equatable {
    /// The accreditation's name.
    public var accreditation: String
    /// The status as of the report's date, when the event changes it.
    public var before: AccreditationStatus?
    /// The status on the event's day.
    public var status: AccreditationStatus

    /// `accreditation`'s status on the event's day, and `before` when the event changes it.
    public init(accreditation: String, before: AccreditationStatus?, status: AccreditationStatus) {
      self.accreditation = accreditation
      self.before = before
      self.status = status
    }
  }

  /// An event of `kind` on `date` for `partner` (empty for every partner).
  public init(
    date: Day, kind: CalendarEvent.Kind, partner: String, partnerName: String, subject: String, statuses: [Outlook]
  ) {
    self.date = date
    self.kind = kind
    self.partner = partner
    self.partnerName = partnerName
    self.subject = subject
    self.statuses = statuses
  }

  /// What happens, e.g. `CRM Implementation is evaluated`.
  public var detail: String { detail { $0 } }

  /// The statuses on that day, e.g. `CRM Implementation: at-risk → ineligible`.
  public var outlook: String { outlook { $0 } }

  /// The event as one line.
  public var line: String { line { $0 } }

  /// The event as one line, each name passed through `show`: the reports print names this way, escaped
  /// for their format.
  public func line(_ show: (String) -> String) -> String {
    let who = partnerName.isEmpty ? "" : "\(show(partnerName)) · "
    let outlook = outlook(show)
    return "\(date.display) · \(who)\(detail(show))" + (outlook.isEmpty ? "" : " — \(outlook)")
  }

  private func detail(_ show: (String) -> String) -> String {
    switch kind {
    case .evaluation: "\(show(subject)) is evaluated"
    case .tierReview: "tier reviews of every partner begin (\(YearMonth(date).iso))"
    case .graceEnds: "grace period ends (last day)"
    case .certificationExpires: "certification \(show(subject)) expires"
    }
  }

  private func outlook(_ show: (String) -> String) -> String {
    statuses.map { item in
      let change = item.before.map { "\($0.rawValue) → " } ?? ""
      return "\(show(item.accreditation)): \(change)\(item.status.rawValue)"
    }.joined(separator: ", ")
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
    func outlook(_ partner: Partner, on day: Day) -> [UpcomingEvent.Outlook] {
      evaluator.outlook(of: partner, cases: casesByPartner[partner.slug] ?? [], now: now[partner.slug], on: day).map {
        .init(accreditation: name($0.type), before: $0.changes ? $0.now : nil, status: $0.then.status)
      }
    }

    let events = evaluator.calendar(
      after: asOf, through: asOf.adding(days: days), partners: partners, evaluations: evaluations)
    let upcoming = events.map { event -> (order: Int, event: UpcomingEvent) in
      let partner = event.partner.flatMap { bySlug[$0] }
      let subject: String
      switch event.kind {
      case .evaluation: subject = name(event.subject ?? "")
      case .tierReview: subject = ""
      case .graceEnds: subject = ""
      case .certificationExpires: subject = standards.certificationName(event.subject ?? "")
      }
      return (
        event.kind.rank,
        UpcomingEvent(
          date: event.date, kind: event.kind, partner: partner?.slug ?? "", partnerName: partner?.name ?? "",
          subject: subject, statuses: partner.map { outlook($0, on: event.effectDay) } ?? [])
      )
    }
    return upcoming.sorted {
      ($0.event.date, $0.order, $0.event.partnerName, $0.event.detail)
        < ($1.event.date, $1.order, $1.event.partnerName, $1.event.detail)
    }.map(\.event)
  }
}
