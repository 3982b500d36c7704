// The calendar: what falls due after a date without any new commit. The home page's "due soon" list
// and `accredit upcoming` both show this one list.

/// Something the calendar brings after a date.
public struct CalendarEvent: Sendable, Equatable {
  /// What falls due.
  public enum Kind: String, Sendable, CaseIterable {
    /// An accreditation's next evaluation.
    case evaluation
    /// The first day of a tier review month; it concerns every partner.
    case tierReview = "tier-review"
    /// The last day of a partner's grace period.
    case graceEnds = "grace-ends"
    /// The expiry of a certification a partner holds.
    case certificationExpires = "certification-expires"

    /// The order of kinds on one day: evaluations, tier reviews, grace ends, expiries.
    public var rank: Int {
      switch self {
      case .evaluation: 0
      case .tierReview: 1
      case .graceEnds: 2
      case .certificationExpires: 3
      }
    }
  }

  /// The day.
  public var date: Day
  /// What falls due.
  public var kind: Kind
  /// The partner's slug; nil for a tier review.
  public var partner: String?
  /// The accreditation type (an evaluation) or the certification (an expiry); nil otherwise.
  public var subject: String?

  /// Creates an event.
  public init(date: Day, kind: Kind, partner: String?, subject: String?) {
    self.date = date
    self.kind = kind
    self.partner = partner
    self.subject = subject
  }
}

extension Evaluator {
  /// Every event after `asOf` and on or before `horizon`: the next evaluation of each accreditation not
  /// revoked, the first day of each tier review month, the last day of each grace period, and the expiry
  /// of each certification held on `asOf`. `evaluations` are the partners' evaluations as of `asOf`. In
  /// date order, then by kind, partner and subject.
  public func calendar(
    after asOf: Day, through horizon: Day, partners: [Partner], evaluations: [PartnerEvaluation]
  ) -> [CalendarEvent] {
    let bySlug = Dictionary(partners.map { ($0.slug, $0) }, uniquingKeysWith: { first, _ in first })
    let events =
      evaluations.flatMap { calendar(of: $0, partner: bySlug[$0.slug], after: asOf, through: horizon) }
      + tierReviews(after: asOf, through: horizon)
    // Field by field, the names only on a tie of day and kind (a missing name sorts as ""): a tuple of
    // them all made two strings for each comparison, which at thousands of events cost the overview and
    // the partner list milliseconds.
    return events.sorted { a, b in
      if a.date != b.date { return a.date < b.date }
      if a.kind != b.kind { return a.kind.rank < b.kind.rank }
      if a.partner != b.partner, (a.partner ?? "") != (b.partner ?? "") { return (a.partner ?? "") < (b.partner ?? "") }
      return (a.subject ?? "") < (b.subject ?? "")
    }
  }

  /// One partner's events of `calendar(after:through:partners:evaluations:)`, in its order (by day, kind
  /// and subject): the next evaluation of each accreditation not revoked, the last day of its grace, and
  /// the expiry of each certification of its record (`partner`) held on `asOf`.
  public func calendar(
    of evaluation: PartnerEvaluation, partner: Partner?, after asOf: Day, through horizon: Day
  ) -> [CalendarEvent] {
    var events: [CalendarEvent] = []
    func add(_ date: Day, _ kind: CalendarEvent.Kind, subject: String? = nil) {
      guard date > asOf, date <= horizon else { return }
      events.append(CalendarEvent(date: date, kind: kind, partner: evaluation.slug, subject: subject))
    }
    // A revoked accreditation has no next evaluation: it is never evaluated again.
    for accreditation in evaluation.accreditations {
      if let next = accreditation.nextEvaluation { add(next, .evaluation, subject: accreditation.type) }
    }
    if let grace = evaluation.grace { add(grace.until, .graceEnds) }
    for certification in partner?.certifications ?? [] where certification.isHeld(on: asOf) {
      if let expires = certification.expires { add(expires, .certificationExpires, subject: certification.name) }
    }
    return events.sorted { a, b in
      if a.date != b.date { return a.date < b.date }
      if a.kind != b.kind { return a.kind.rank < b.kind.rank }
      return (a.subject ?? "") < (b.subject ?? "")
    }
  }

  /// The first day of each tier review month after `asOf` through `horizon`, in date order: the calendar's
  /// events that concern every partner.
  public func tierReviews(after asOf: Day, through horizon: Day) -> [CalendarEvent] {
    var events: [CalendarEvent] = []
    var month = YearMonth(asOf).firstDay.adding(months: 1)
    while month <= horizon {
      if standards.tierReviewMonths.contains(month.month) {
        events.append(CalendarEvent(date: month, kind: .tierReview, partner: nil, subject: nil))
      }
      month = month.adding(months: 1)
    }
    return events
  }
}

extension EscalationCase {
  /// Whether the case exists on `day`: its first step is dated on or before it.
  public func exists(on day: Day) -> Bool {
    steps.first.map { $0.date <= day } ?? false
  }

  /// The steps dated on or before `day`.
  public func steps(through day: Day) -> [Step] {
    steps.filter { $0.date <= day }
  }

  /// The outcome, when it is dated on or before `day`.
  public func outcome(through day: Day) -> Outcome? {
    outcome.flatMap { $0.date <= day ? $0 : nil }
  }

  /// The latest stage reached on `day`; nil before the first step.
  public func stage(on day: Day) -> Stage? {
    steps.last { $0.date <= day }?.stage
  }

  /// The step that brought the case to its stage on `day` (its date is when the stage began); nil before
  /// the first step.
  public func currentStep(on day: Day) -> Step? {
    steps.last { $0.date <= day }
  }

  /// Whether the case exists on `day` and has no outcome dated on or before it.
  public func isOpen(on day: Day) -> Bool {
    exists(on: day) && outcome(through: day) == nil
  }
}
