// Status over time (SPEC section 6): the days on which each accreditation's status, or the rules of its
// reasons, changed from its issue date to a date; and the program's counts month by month.
//
// Every input is dated, so the evaluation of a date can differ from the day before's only on a date the
// content names, or on the day after one (a grace period covers its `until` day). The history evaluates on
// those dates alone, which gives exactly the list that evaluating every day gives (a test checks it on
// generated content).

/// One accreditation's status over time, from its issue date to a date.
public struct AccreditationHistory: Sendable, Equatable {
  /// A day on which the status or the rules of the reasons differ from the day before.
  public struct Change: Sendable, Equatable {
    /// The day.
    public var date: Day
    /// The status from that day.
    public var status: AccreditationStatus
    /// The rules of the failed checks, each once, sorted by name.
    public var rules: [Rule]

    /// Creates a change.
    public init(date: Day, status: AccreditationStatus, rules: [Rule]) {
      self.date = date
      self.status = status
      self.rules = rules
    }
  }

  /// The accreditation type slug.
  public var type: String
  /// The issue date: the first change's date.
  public var issued: Day
  /// The issue date with the status and rules of that day, then every day that changed them, oldest first.
  public var changes: [Change]

  /// Creates an accreditation's history.
  public init(type: String, issued: Day, changes: [Change]) {
    self.type = type
    self.issued = issued
    self.changes = changes
  }

  /// The status on `day`: that of the latest change on or before it; nil before the issue date.
  public func status(on day: Day) -> AccreditationStatus? {
    changes.last { $0.date <= day }?.status
  }
}

/// One partner's accreditations over time.
public struct PartnerHistory: Sendable, Equatable {
  /// The partner's slug.
  public var slug: String
  /// The accreditations issued on or before the date, in the order of the evaluation (type, then issue date).
  public var accreditations: [AccreditationHistory]

  /// Creates a partner's history.
  public init(slug: String, accreditations: [AccreditationHistory]) {
    self.slug = slug
    self.accreditations = accreditations
  }
}

/// The program on one date: how many accreditations are shown (issued on or before it) with each status,
/// and how many partners have at least one.
public struct ProgramMonth: Sendable, Equatable {
  /// The calendar month.
  public var month: YearMonth
  /// Its last day, or the evaluation date in the evaluation date's month.
  public var date: Day
  /// Partners with at least one accreditation shown on `date`.
  public var partners: Int
  /// Accreditations shown on `date`, by status; every status is present, zero included.
  public var accreditations: [AccreditationStatus: Int]

  /// Creates a month's counts.
  public init(month: YearMonth, date: Day, partners: Int, accreditations: [AccreditationStatus: Int]) {
    self.month = month
    self.date = date
    self.partners = partners
    self.accreditations = accreditations
  }
}

extension Evaluator {
  /// The history of each of `partner`'s accreditations issued on or before `day`: its issue date, then every
  /// day up to `day` on which its status or the rules of its reasons differ from the day before. `cases` are
  /// the partner's own. Evaluates the partner only on the days that can change something
  /// (`statusChangeDates`), not on every day.
  public func history(of partner: Partner, cases: [EscalationCase], through day: Day) -> PartnerHistory {
    let shown = partner.accreditations.filter { $0.issued <= day }
    guard let firstIssued = shown.map(\.issued).min() else {
      return PartnerHistory(slug: partner.slug, accreditations: [])
    }
    let candidates = Set(statusChangeDates(of: partner, cases: cases) + shown.map(\.issued))
      .filter { firstIssued <= $0 && $0 <= day }
      .sorted()

    // Accreditations of one type issued on one day evaluate alike: one history serves them.
    struct Key: Hashable {
      let type: String
      let issued: Day
    }
    var changes: [Key: [AccreditationHistory.Change]] = [:]
    for date in candidates {
      for accreditation in evaluate(partner, cases: cases, asOf: date).accreditations {
        let rules = Set(accreditation.reasons.map(\.rule)).sorted { $0.rawValue < $1.rawValue }
        let key = Key(type: accreditation.type, issued: accreditation.issued)
        let last = changes[key]?.last
        guard last?.status != accreditation.status || last?.rules != rules else { continue }
        changes[key, default: []].append(.init(date: date, status: accreditation.status, rules: rules))
      }
    }
    let ordered = shown.sorted { ($0.type, $0.issued) < ($1.type, $1.issued) }
    return PartnerHistory(
      slug: partner.slug,
      accreditations: ordered.map { accreditation in
        AccreditationHistory(
          type: accreditation.type, issued: accreditation.issued,
          changes: changes[Key(type: accreditation.type, issued: accreditation.issued)] ?? [])
      })
  }

  /// Every partner's history through `day`, by slug; `cases` may hold every partner's cases. Each partner
  /// is on its own, so `map` may run them in parallel (the site builder does).
  public func histories(
    _ partners: [Partner], cases: [EscalationCase], through day: Day,
    mapping map: ([Partner], @Sendable (Partner) -> PartnerHistory) -> [PartnerHistory] = { $0.map($1) }
  ) -> [PartnerHistory] {
    let casesByPartner = Dictionary(grouping: cases, by: \.partnerSlug)
    return map(partners.sorted { $0.slug < $1.slug }) {
      history(of: $0, cases: casesByPartner[$0.slug] ?? [], through: day)
    }
  }

  /// The days on which an evaluation of `partner` may differ from the day before's, as far as any
  /// accreditation's status or the rules of its reasons go (issue dates aside):
  ///
  /// - a tier review takes effect (eligibility, and the `tier` or `grace` rule);
  /// - a grace period begins, and the day after its `until` (it covers its last day);
  /// - a certification is earned, and the day it expires (no longer held that day);
  /// - a review board decision is made (a revocation, or a retain that settles the marks review);
  /// - a mark is placed (the outcome of a case decided `mark`);
  /// - a serious case comes to exist (its first step) and is closed (its outcome), when it stops being
  ///   an open serious escalation.
  ///
  /// Later steps of a case change its stage, which only the wording of a reason shows, and a case that
  /// is neither serious nor a mark changes no status: their dates are left out. A rule that comes to read
  /// another date must add it here; the property test that compares with evaluating every day would fail.
  func statusChangeDates(of partner: Partner, cases: [EscalationCase]) -> [Day] {
    var dates = partner.tiers.map(\.reviewed)
    for period in partner.grace { dates += [period.from, period.until.adding(days: 1)] }
    for certification in partner.certifications {
      dates.append(certification.earned)
      if let expires = certification.expires { dates.append(expires) }
    }
    dates += partner.decisions.map(\.date)
    // The fields read in place, without a copy of each case.
    for index in cases.indices {
      let isSerious = cases[index].isSerious
      if let outcome = cases[index].outcome, outcome.decision == .mark || isSerious {
        dates.append(outcome.date)
      }
      if isSerious, let opened = cases[index].steps.first?.date { dates.append(opened) }
    }
    return dates
  }

  /// The program's `count` calendar months ending with `day`'s month, oldest first, counted from the
  /// histories through `day`: each month's date is its last day (`day` itself in `day`'s month).
  public static func programMonths(_ histories: [PartnerHistory], through day: Day, count: Int = 24)
    -> [ProgramMonth]
  {
    let days = programMonthDays(through: day, count: count)
    var sum = [Int](repeating: 0, count: days.count * programMonthWidth)
    for history in histories {
      for (index, value) in programMonthCounts(of: history, on: days).enumerated() { sum[index] += value }
    }
    return programMonths(summed: sum, on: days)
  }

  /// How many numbers a month takes in `programMonthCounts`: whether the partner counts, then its
  /// accreditations by status in `AccreditationStatus.allCases`' order.
  public static let programMonthWidth = 1 + AccreditationStatus.allCases.count

  /// The months `programMonths` counts through `day`, oldest first: each month and the day it is counted
  /// on (its last day, or `day` in `day`'s month).
  public static func programMonthDays(through day: Day, count: Int = 24) -> [(month: YearMonth, date: Day)] {
    let current = YearMonth(day).firstDay
    return (0..<max(0, count)).reversed().map { back in
      let first = current.adding(months: -back)
      return (YearMonth(first), back == 0 ? day : first.adding(months: 1).adding(days: -1))
    }
  }

  /// One partner's part of `programMonths` on `days` (`programMonthDays`), `programMonthWidth` numbers a
  /// month: 1 when it has an accreditation shown that day (else 0), then its accreditations by status. The
  /// program's months are the sum of every partner's (`programMonths(summed:on:)`), so that a render that
  /// keeps each partner's counts adds them up instead of looking at every history again.
  public static func programMonthCounts(of history: PartnerHistory, on days: [(month: YearMonth, date: Day)])
    -> [Int]
  {
    let statuses = AccreditationStatus.allCases
    var counts = [Int](repeating: 0, count: days.count * programMonthWidth)
    for (index, day) in days.enumerated() {
      let start = index * programMonthWidth
      for accreditation in history.accreditations {
        guard let status = accreditation.status(on: day.date), let offset = statuses.firstIndex(of: status) else {
          continue
        }
        counts[start + 1 + offset] += 1
        counts[start] = 1
      }
    }
    return counts
  }

  /// The program's months from the sum of every partner's `programMonthCounts` on `days`.
  public static func programMonths(summed counts: [Int], on days: [(month: YearMonth, date: Day)]) -> [ProgramMonth] {
    let statuses = AccreditationStatus.allCases
    return days.enumerated().map { index, day in
      let start = index * programMonthWidth
      let value = { (offset: Int) in counts.indices.contains(start + offset) ? counts[start + offset] : 0 }
      return ProgramMonth(
        month: day.month, date: day.date, partners: value(0),
        accreditations: Dictionary(
          uniqueKeysWithValues: statuses.enumerated().map { offset, status in (status, value(1 + offset)) }))
    }
  }
}
