import AccreditContent
import AccreditEngine
import AccreditSupport

/// The partner list, a page at a time: the overview shows the first page (the partners needing attention
/// most), `partners/page/N/` the others, so that no page grows with the program. With JavaScript, the
/// list filters and sorts over every partner through `api/partners.json` (`PartnerIndex`).
struct PartnerList: Sendable, Encodable {
  /// How many partners a page lists (`SiteRenderer.listPageSize`).
  static let defaultPageSize = 50
  /// How far ahead the "due within N days" filter looks at most: its longest choice.
  static let dueHorizon = 180

  struct AccreditationCell: Sendable, Encodable {
    let name: String
    let status: StatusView
  }

  struct Row: Sendable, Encodable {
    let slug: String
    let name: String
    /// From the site root: templates put `{{root}}` before it.
    let href: String
    let tier: String
    let tierSort: Int
    let inGrace: Bool
    let region: String?
    let pdm: String?
    let overall: StatusView
    /// Why, in a few words: the engine's brief reasons ("cert expired 30 Sep; 5 marks"), those of the
    /// accreditations needing action first, each once; empty when every accreditation meets the standards.
    let why: String
    let statusKeys: String
    let accreditations: [AccreditationCell]
    let hasAccreditations: Bool
    let marks: Int
    let openCases: Int
    let nextEvaluation: DateView?
    let nextEvaluationSort: String
    /// The first calendar item of the partner from the evaluation date on (`SiteContext.nextDue`), ISO, or
    /// `9999-12-31`: what the "due within N days" filter compares.
    let nextDueSort: String
  }

  let rows: [Row]
  let total: Int
  let pageNumber: Int
  let pageCount: Int
  let isPaged: Bool
  /// "Partners 51–100 of 10,000".
  let rangeText: String
  let previousHref: String?
  let nextHref: String?
  let pages: [PageLink]
  let statusOptions: [StatusView]
  let tierOptions: [String]
}

extension Route {
  /// Page `number` (1-based) of the partner list: the overview for the first.
  static func partnerList(page number: Int) -> Route { number <= 1 ? .home : .partnerListPage(number) }

  /// The link from the site root to page `number` of the partner list: the overview's file by name, since
  /// an empty link would keep the address's query (a filtered view).
  static func partnerListLink(page number: Int) -> String {
    number <= 1 ? "index.html" : partnerList(page: number).path
  }
}

extension SiteContext {
  /// Every partner in the order of the lists: those needing action first (`listRank`: ineligible, under
  /// review, at risk), then those with a revoked accreditation and nothing else needing action, then the
  /// accredited, then those without an accreditation; by name within each. Sorted once, by the first page
  /// that asks.
  var listedPartners: [PartnerEvaluation] {
    listOrder.withLock { cached in
      if let cached { return cached }
      // Each partner's rank once, not at every comparison.
      let ranked = evaluations.map { evaluation in
        (rank: evaluation.accreditations.map { listRank($0.status) }.min() ?? Int.max, evaluation)
      }
      let sorted = ranked.sorted {
        ($0.rank, $0.1.name, $0.1.slug) < ($1.rank, $1.1.name, $1.1.slug)
      }.map(\.1)
      cached = sorted
      return sorted
    }
  }

  var partnerPageCount: Int { max(1, (evaluations.count + listPageSize - 1) / listPageSize) }

  /// Page `number` of the list of `ordered` partners.
  func partnerList(page number: Int, of ordered: [PartnerEvaluation]) -> PartnerList {
    let count = partnerPageCount
    let start = min((number - 1) * listPageSize, ordered.count)
    let slice = ordered[start..<min(start + listPageSize, ordered.count)]
    let tiersInUse = Set(evaluations.compactMap(\.tier))
    let pages = PageLink.window(current: number, count: count) { Route.partnerListLink(page: $0) }
    return PartnerList(
      rows: slice.map(partnerRow), total: ordered.count, pageNumber: number, pageCount: count, isPaged: count > 1,
      rangeText: ordered.isEmpty
        ? "No partners yet"
        : "Partners \(grouped(start + 1))–\(grouped(start + slice.count)) of \(grouped(ordered.count))",
      previousHref: number > 1 ? Route.partnerListLink(page: number - 1) : nil,
      nextHref: number < count ? Route.partnerListLink(page: number + 1) : nil,
      pages: pages,
      statusOptions: AccreditationStatus.allCases.map(StatusView.init),
      tierOptions: content.standards.tiers.filter(tiersInUse.contains).map(\.capitalized))
  }

  func partnerRow(_ evaluation: PartnerEvaluation) -> PartnerList.Row {
    let next = evaluation.accreditations.compactMap(\.nextEvaluation).min()
    let partner = partners[evaluation.slug]
    let due = nextDue(of: evaluation)
    return PartnerList.Row(
      slug: evaluation.slug, name: evaluation.name, href: Route.partner(slug: evaluation.slug).path,
      tier: evaluation.tier?.capitalized ?? "None",
      tierSort: evaluation.tier.flatMap { content.standards.tiers.firstIndex(of: $0) } ?? -1,
      inGrace: evaluation.isInGrace, region: partner?.region, pdm: partner?.pdm,
      overall: overallStatus(of: evaluation).map(StatusView.init) ?? .none, why: why(evaluation),
      statusKeys: Set(evaluation.accreditations.map(\.status.rawValue)).sorted().joined(separator: " "),
      accreditations: evaluation.accreditations.map {
        PartnerList.AccreditationCell(name: accreditationName($0.type), status: StatusView($0.status))
      },
      hasAccreditations: !evaluation.accreditations.isEmpty, marks: evaluation.marks.count,
      openCases: evaluation.openCases.count, nextEvaluation: next.map(DateView.init),
      nextEvaluationSort: next?.iso ?? "9999-12-31", nextDueSort: due?.iso ?? "9999-12-31")
  }

  /// The partner's brief reasons (`Reason.brief`), those of the accreditations needing action first, each
  /// once, joined with "; ".
  func why(_ evaluation: PartnerEvaluation) -> String {
    var seen: Set<String> = []
    return evaluation.accreditations.enumerated()
      .sorted { (listRank($0.element.status), $0.offset) < (listRank($1.element.status), $1.offset) }
      .flatMap(\.element.reasons).map(\.brief)
      .filter { seen.insert($0).inserted }
      .joined(separator: "; ")
  }

  /// The engine's calendar from today (included) through the next `PartnerList.dueHorizon` days, made
  /// once a render for the list's next due dates and the overview's due list (which takes its first
  /// `soonDays`: the calendar is in date order, and its events do not depend on the horizon).
  ///
  /// Assembled from each partner's events (`Evaluator.calendar(of:…)`), kept in the memo
  /// (`PartnerMemo.calendarEvents`, so that a record edit makes its partner's alone), and the tier reviews
  /// (`Evaluator.tierReviews`): what `Evaluator.calendar` gives for every partner, without sorting
  /// thousands of events. The calendar's order is by day, then kind, then partner and subject: each
  /// partner's events are in that order, and are put, partner by partner in the order of their slugs, into
  /// a bucket for their day and kind, which are then joined in order.
  var calendarEvents: [CalendarEvent] {
    calendarCache.withLock { cached in
      if let cached { return cached }
      let after = asOf.adding(days: -1)
      let horizon = asOf.adding(days: PartnerList.dueHorizon)
      let ranks = CalendarEvent.Kind.allCases.count
      var buckets = Array(repeating: [CalendarEvent](), count: max(0, after.days(until: horizon) + 1) * ranks)
      func put(_ event: CalendarEvent) {
        buckets[after.days(until: event.date) * ranks + event.kind.rank].append(event)
      }
      // By index: sorting the evaluations would copy each.
      for index in evaluations.indices.sorted(by: { evaluations[$0].slug < evaluations[$1].slug }) {
        calendarEvents(of: evaluations[index]).forEach(put)
      }
      Evaluator(standards: content.standards).tierReviews(after: after, through: horizon).forEach(put)
      let events = Array(buckets.joined())
      cached = events
      return events
    }
  }

  /// The partner's events of `calendarEvents`, as the memo keeps them (`PartnerMemo.calendarEvents`).
  private func calendarEvents(of evaluation: PartnerEvaluation) -> [CalendarEvent] {
    histories.calendarEvents(of: evaluation.slug) {
      Evaluator(standards: content.standards).calendar(
        of: evaluation, partner: partners[evaluation.slug], after: asOf.adding(days: -1),
        through: asOf.adding(days: PartnerList.dueHorizon))
    }
  }

  /// The partner's entry of `nextDue`, from its own events when `nextDue` is not made yet: a page that
  /// shows a few partners (a record edit's list page, its partner's row of `api/partners.json`) does not
  /// make the whole calendar (a twentieth of a record edit at 10,000 partners).
  func nextDue(of evaluation: PartnerEvaluation) -> Day? {
    if let made = dueCache.withLock({ $0 }) { return made[evaluation.slug] }
    let accreditations = evaluation.accreditations
    guard accreditations.isEmpty || !accreditations.allSatisfy({ $0.status == .revoked }) else { return nil }
    var due: Day?
    if !evaluation.isTierEligible && !accreditations.isEmpty {
      let reviews = Evaluator(standards: content.standards).tierReviews(
        after: asOf.adding(days: -1), through: asOf.adding(days: PartnerList.dueHorizon))
      due = reviews.first?.date
    }
    for event in calendarEvents(of: evaluation) where due.map({ event.date < $0 }) ?? true { due = event.date }
    return due
  }

  /// Each partner's first calendar item from the evaluation date (included) through
  /// `PartnerList.dueHorizon` days: the engine's calendar (evaluations of accreditations not revoked,
  /// grace ends, certification expiries) and the tier reviews for the partners whose tier is below the
  /// eligible ones. A partner whose every accreditation is revoked has nothing due. Computed once.
  var nextDue: [String: Day] {
    dueCache.withLock { cached in
      if let cached { return cached }
      let events = calendarEvents
      let revokedOnly = Set(
        evaluations.filter { !$0.accreditations.isEmpty && $0.accreditations.allSatisfy { $0.status == .revoked } }
          .map(\.slug))
      var first: [String: Day] = [:]
      // The calendar is in date order: the first event of a partner is its earliest.
      if let review = events.first(where: { $0.kind == .tierReview }) {
        for evaluation in evaluations where !evaluation.isTierEligible && !evaluation.accreditations.isEmpty {
          first[evaluation.slug] = review.date
        }
      }
      for event in events {
        guard let slug = event.partner else { continue }
        if let known = first[slug], known <= event.date { continue }
        first[slug] = event.date
      }
      let due = first.filter { !revokedOnly.contains($0.key) }
      cached = due
      return due
    }
  }

  /// `partners/page/N/`: a page of the partner list beyond the first.
  func partnerListPage(_ number: Int) -> PartnerListPage {
    PartnerListPage(list: partnerList(page: number, of: listedPartners))
  }
}

/// `partners/page/N/index.html`.
struct PartnerListPage: Sendable, Encodable {
  let list: PartnerList
}

/// `10000` → `10,000`.
func grouped(_ number: Int) -> String {
  let digits = String(number)
  var result = ""
  for (index, digit) in digits.enumerated() {
    if index > 0 && (digits.count - index) % 3 == 0 { result += "," }
    result.append(digit)
  }
  return result
}
