import AccreditContent
import AccreditEngine
import AccreditSupport
import Synchronization

/// One status change of one accreditation, with the engine's reasons on its day: the history page's list
/// and the feeds word it from these alone.
struct StatusChangeItem: Sendable, Equatable {
  let date: Day
  let slug: String
  let partnerName: String
  let type: String
  let issued: Day
  /// The status before, nil on the issue date.
  let from: AccreditationStatus?
  let to: AccreditationStatus
  let reasons: [Reason]
}

/// A stacked bar chart drawn as an inline SVG, one bar a month; coordinates are computed here.
struct StackedChart: Sendable, Encodable {
  struct Segment: Sendable, Encodable {
    let x: Int
    let y: Int
    let width: Int
    let height: Int
    let kind: String
    let title: String
  }

  struct Gridline: Sendable, Encodable {
    let y: Int
    let textY: Int
    let label: String
  }

  struct Tick: Sendable, Encodable {
    let x: Int
    let label: String
  }

  /// The prefix of the `<title>` and `<desc>` ids: two charts on a page need their own.
  let id: String
  let width: Int
  let height: Int
  let left: Int
  let right: Int
  let baseY: Int
  let labelY: Int
  let title: String
  let summary: String
  let segments: [Segment]
  let gridlines: [Gridline]
  let ticks: [Tick]
}

/// A row of a chart's table: a month and its numbers.
struct MonthRow: Sendable, Encodable {
  let month: String
  let iso: String
  /// The numbers, with thousands separators ("9,874").
  let counts: [String]
  let total: String
}

/// `history/index.html` (the charts and the first page of recent changes) and `history/page/N/` (the
/// recent changes beyond the first page).
struct HistoryPage: Sendable, Encodable {
  /// How many changes a page lists (`SiteRenderer.historyPageSize`).
  static let defaultPageSize = 100
  /// How many days back the list of changes goes.
  static let recentDays = 90

  struct ChangeRow: Sendable, Encodable {
    let date: DateView
    let partner: String
    /// From the site root.
    let partnerHref: String
    let accreditation: String
    /// Nil on the issue date.
    let from: StatusView?
    let to: StatusView
    let reasons: String
  }

  let recentDays: Int
  let isFirstPage: Bool
  let pageNumber: Int
  let pageCount: Int
  let isPaged: Bool
  let accreditationChart: StackedChart
  let statusColumns: [StatusView]
  let accreditationRows: [MonthRow]
  let partnerChart: StackedChart
  let partnerRows: [MonthRow]
  let changes: [ChangeRow]
  let hasChanges: Bool
  /// "Changes 1–100 of 340 since 17 Aug 2026".
  let rangeText: String
  let since: DateView
  let pages: [PageLink]
  let previousHref: String?
  let nextHref: String?
}

/// The overview's small chart, linking to `history/`.
struct HistoryTeaser: Sendable, Encodable {
  let chart: StackedChart
  let href: String
}

extension Route {
  /// Page `number` (1-based) of the history's changes: `history/` for the first.
  static func history(page number: Int) -> Route { number <= 1 ? .history : .historyPage(number) }
}

/// What a render made from each partner alone, by slug: its history through the evaluation date, its
/// pieces of the site-wide files (its `status.json` element, its CSV rows, its `history.json` line, its
/// `api/partners.json` row), its part of the program's months, and its part of the feeds (its own and its PDM's: `PartnerFeedPiece`). A renderer makes its own; the
/// preview server keeps the last render's, less the edited partners', so that a record edit makes them
/// for that partner alone and assembles the site-wide files from the others' (each is made from the
/// partner's record and cases, the standards, the date and the content folder's name, nothing else).
public final class PartnerMemo: Sendable {
  /// What a piece is of.
  enum Piece: Hashable, Sendable {
    case statusJSON, csv, historyJSON, partnerIndex
  }

  let byPartner: Mutex<[String: PartnerHistory]>
  let pieces: Mutex<[Piece: [String: String]]>
  /// Each partner's evaluations on the days of its status changes, which the feeds and the history pages
  /// word their reasons from: the partner's feed, its PDM's feed and the site's feed ask for the same days.
  let evaluations: Mutex<[String: [Day: PartnerEvaluation]]>
  /// Each partner's feed entries, worded once for its own feed and its PDM's.
  let feeds: Mutex<[String: PartnerFeedPiece]>
  /// Each partner's part of the program's months (`Evaluator.programMonthCounts`), which add up to them.
  let months: Mutex<[String: [Int]]>
  /// Each partner's events of the calendar (`Evaluator.calendar(of:partner:after:through:)`).
  let calendars: Mutex<[String: [CalendarEvent]]>
  /// Each partner's history, feed piece, months and calendar as the build cache's memo file has them, not
  /// yet decoded (`Unread`): each is decoded and put in its table above when first asked for.
  let unread: Mutex<[String: Unread]>

  /// Nothing made yet.
  public convenience init() {
    self.init([:], pieces: [:], evaluations: [:], feeds: [:], months: [:], calendars: [:])
  }

  private init(
    _ histories: [String: PartnerHistory], pieces: [Piece: [String: String]],
    evaluations: [String: [Day: PartnerEvaluation]], feeds: [String: PartnerFeedPiece], months: [String: [Int]],
    calendars: [String: [CalendarEvent]], unread: [String: Unread] = [:]
  ) {
    byPartner = Mutex(histories)
    self.pieces = Mutex(pieces)
    self.evaluations = Mutex(evaluations)
    self.feeds = Mutex(feeds)
    self.months = Mutex(months)
    self.calendars = Mutex(calendars)
    self.unread = Mutex(unread)
  }

  /// A copy without what was made for the partners `slugs`, which is made again when asked for.
  func forgetting(_ slugs: Set<String>) -> PartnerMemo {
    // A copy with entries taken out, not a filter: filtering hashes every key again (a tenth of a record
    // edit at 10,000 partners).
    func without<Value>(_ known: [String: Value]) -> [String: Value] {
      var kept = known
      for slug in slugs { kept.removeValue(forKey: slug) }
      return kept
    }
    return PartnerMemo(
      byPartner.withLock { without($0) }, pieces: pieces.withLock { $0.mapValues(without) },
      evaluations: evaluations.withLock { without($0) }, feeds: feeds.withLock { without($0) },
      months: months.withLock { without($0) }, calendars: calendars.withLock { without($0) },
      unread: unread.withLock { without($0) })
  }

  /// The partner `slug`'s events of the calendar: as made before, or made by `make` now and kept.
  func calendarEvents(of slug: String, _ make: () -> [CalendarEvent]) -> [CalendarEvent] {
    if let known = calendars.withLock({ $0[slug] }) { return known }
    let made = decodedCalendar(of: slug) ?? make()
    calendars.withLock { $0[slug] = made }
    return made
  }

  /// The partner `slug`'s part of the program's months: as made before, or made by `make` now and kept.
  func monthCounts(of slug: String, _ make: () -> [Int]) -> [Int] {
    if let known = months.withLock({ $0[slug] }) { return known }
    let made = decodedMonths(of: slug) ?? make()
    months.withLock { $0[slug] = made }
    return made
  }

  /// The feed piece of the partner `slug`: as made before, or made by `make` now and kept.
  func feedPiece(of slug: String, _ make: () -> PartnerFeedPiece) -> PartnerFeedPiece {
    if let known = feeds.withLock({ $0[slug] }) { return known }
    let made = decodedFeed(of: slug) ?? make()
    feeds.withLock { $0[slug] = made }
    return made
  }

  /// The partner `slug` evaluated on `day`: as made before, or made by `make` now and kept.
  func evaluation(of slug: String, on day: Day, _ make: () -> PartnerEvaluation) -> PartnerEvaluation {
    if let known = evaluations.withLock({ $0[slug]?[day] }) { return known }
    let made = make()
    evaluations.withLock { $0[slug, default: [:]][day] = made }
    return made
  }

  /// The piece `kind` of the partner `slug`: as made before, or made by `make` now and kept.
  func piece(_ kind: Piece, of slug: String, _ make: () -> String) -> String {
    if let known = pieces.withLock({ $0[kind]?[slug] }) { return known }
    let made = make()
    pieces.withLock { $0[kind, default: [:]][slug] = made }
    return made
  }
}

extension SiteContext {
  /// Every partner's history through the evaluation date, by slug: computed once, by the first job that
  /// asks (the history page, the overview's chart, the feed, `api/history.json`).
  var programHistories: [PartnerHistory] {
    historyCache.withLock { cached in
      if let cached { return cached }
      let histories = content.partners.sorted { $0.slug < $1.slug }.parallelMap { self.history(of: $0) }
      cached = histories
      return histories
    }
  }

  /// `partner`'s history through the evaluation date, from its record and cases alone; computed once
  /// whichever of its page, its feed and the site-wide files asks first.
  func history(of partner: Partner) -> PartnerHistory {
    if let known = histories.byPartner.withLock({ $0[partner.slug] }) { return known }
    let history =
      histories.decodedHistory(of: partner.slug)
      ?? Evaluator(standards: content.standards).history(of: partner, cases: cases[partner.slug] ?? [], through: asOf)
    histories.byPartner.withLock { $0[partner.slug] = history }
    return history
  }

  /// The status changes of `history` on or after `since` (every one without it), newest first: the days on
  /// which an accreditation's status differs from the day before, or on which it was issued. Without their
  /// reasons: `reasoned` adds them to those shown.
  func statusChanges(in history: PartnerHistory, since: Day? = nil) -> [StatusChangeItem] {
    guard let partner = partners[history.slug] else { return [] }
    var items: [StatusChangeItem] = []
    for accreditation in history.accreditations {
      var previous: AccreditationStatus?
      for change in accreditation.changes {
        defer { previous = change.status }
        guard change.status != previous, since.map({ $0 <= change.date }) ?? true else { continue }
        items.append(
          StatusChangeItem(
            date: change.date, slug: partner.slug, partnerName: partner.name, type: accreditation.type,
            issued: accreditation.issued, from: previous, to: change.status, reasons: []))
      }
    }
    return items.sorted(by: newestFirst)
  }

  /// Newest first, then by partner name, slug, type and issue date.
  func newestFirst(_ a: StatusChangeItem, _ b: StatusChangeItem) -> Bool {
    (b.date, a.partnerName, a.slug, a.type, a.issued) < (a.date, b.partnerName, b.slug, b.type, b.issued)
  }

  /// `items` with the engine's reasons of each one's day: each partner is evaluated once on each of those
  /// days (kept in `histories` for the other feeds and pages of the build), so pages word only what the
  /// engine says.
  func reasoned(_ items: some Collection<StatusChangeItem>) -> [StatusChangeItem] {
    let evaluator = Evaluator(standards: content.standards)
    return items.map { item in
      guard let partner = partners[item.slug] else { return item }
      let evaluation = histories.evaluation(of: item.slug, on: item.date) {
        evaluator.evaluate(partner, cases: cases[item.slug] ?? [], asOf: item.date)
      }
      let reasons =
        evaluation.accreditations.first { $0.type == item.type && $0.issued == item.issued }?.reasons ?? []
      return StatusChangeItem(
        date: item.date, slug: item.slug, partnerName: item.partnerName, type: item.type, issued: item.issued,
        from: item.from, to: item.to, reasons: reasons)
    }
  }

  /// Every partner's status changes on or after `since` (every one without it), newest first, without
  /// their reasons.
  func programChanges(since: Day?) -> [StatusChangeItem] {
    programHistories.flatMap { statusChanges(in: $0, since: since) }.sorted(by: newestFirst)
  }

  /// The program month by month (`Evaluator.programMonths` of every history), computed once for the
  /// overview's chart and every history page.
  var programMonths: [ProgramMonth] {
    monthsCache.withLock { cached in
      if let cached { return cached }
      // The sum of each partner's part, as the memo keeps it: an edit counts its partner's months alone.
      let days = Evaluator.programMonthDays(through: asOf)
      var sum = [Int](repeating: 0, count: days.count * Evaluator.programMonthWidth)
      for history in programHistories {
        let counts = histories.monthCounts(of: history.slug) { Evaluator.programMonthCounts(of: history, on: days) }
        for (index, value) in counts.enumerated() where sum.indices.contains(index) { sum[index] += value }
      }
      let months = Evaluator.programMonths(summed: sum, on: days)
      cached = months
      return months
    }
  }

  /// The first day of the list of recent changes.
  var recentSince: Day { asOf.adding(days: 1 - HistoryPage.recentDays) }

  /// The recent changes, computed once, without their reasons.
  var recentChanges: [StatusChangeItem] {
    recentCache.withLock { cached in
      if let cached { return cached }
      let changes = programChanges(since: recentSince)
      cached = changes
      return changes
    }
  }

  var historyPageCount: Int { max(1, (recentChanges.count + historyPageSize - 1) / historyPageSize) }

  /// Page `number` of the history.
  func historyPage(_ number: Int) -> HistoryPage {
    let months = programMonths
    let changes = recentChanges
    let count = historyPageCount
    let start = min((number - 1) * historyPageSize, changes.count)
    let slice = changes[start..<min(start + historyPageSize, changes.count)]
    let statuses = AccreditationStatus.allCases.reversed() as [AccreditationStatus]
    let accreditationRows = months.map { month in
      let counts = statuses.map { month.accreditations[$0] ?? 0 }
      return MonthRow(
        month: monthLabel(month.month), iso: month.month.iso, counts: counts.map(grouped),
        total: grouped(counts.reduce(0, +)))
    }
    let partnerRows = months.map {
      MonthRow(
        month: monthLabel($0.month), iso: $0.month.iso, counts: [grouped($0.partners)], total: grouped($0.partners))
    }
    let since = recentSince
    return HistoryPage(
      recentDays: HistoryPage.recentDays, isFirstPage: number == 1, pageNumber: number, pageCount: count,
      isPaged: count > 1,
      accreditationChart: accreditationChart(months, id: "status-chart", width: 640, height: 280),
      statusColumns: statuses.map(StatusView.init), accreditationRows: accreditationRows,
      partnerChart: stackedChart(
        months, id: "partner-chart", width: 640, height: 220, series: [("partners", "partners")],
        title: "Partners with an accreditation, month by month",
        summary: "Partners with at least one accreditation at the end of each of the last \(months.count) months: "
          + months.map { "\(monthLabel($0.month)) \(grouped($0.partners))" }.joined(separator: ", ") + "."
      ) { month, _ in month.partners },
      partnerRows: partnerRows,
      changes: reasoned(slice).map(changeRow), hasChanges: !changes.isEmpty,
      rangeText: changes.isEmpty
        ? "No status changed since \(since.display)."
        : "Changes \(grouped(start + 1))–\(grouped(start + slice.count)) of \(grouped(changes.count)) since \(since.display).",
      since: DateView(since),
      pages: PageLink.window(current: number, count: count) { Route.history(page: $0).path },
      previousHref: number > 1 ? Route.history(page: number - 1).path : nil,
      nextHref: number < count ? Route.history(page: number + 1).path : nil)
  }

  /// The overview's small version of the accreditations chart.
  func historyTeaser() -> HistoryTeaser {
    let months = programMonths
    return HistoryTeaser(
      chart: accreditationChart(months, id: "trend-chart", width: 360, height: 150),
      href: Route.home.link(to: .history))
  }

  private func changeRow(_ change: StatusChangeItem) -> HistoryPage.ChangeRow {
    HistoryPage.ChangeRow(
      date: DateView(change.date), partner: change.partnerName, partnerHref: Route.partner(slug: change.slug).path,
      accreditation: accreditationName(change.type), from: change.from.map(StatusView.init),
      to: StatusView(change.to), reasons: reasonText(change.reasons))
  }

  /// The engine's reasons' messages, a sentence each, or that every check passes.
  func reasonText(_ reasons: [Reason]) -> String {
    reasons.isEmpty ? "Every check passes." : reasons.map { "\($0.message)." }.joined(separator: " ")
  }

  /// "Nov 2026".
  func monthLabel(_ month: YearMonth) -> String {
    month.firstDay.display.split(separator: " ").dropFirst().joined(separator: " ")
  }

  private func accreditationChart(_ months: [ProgramMonth], id: String, width: Int, height: Int) -> StackedChart {
    let statuses = AccreditationStatus.allCases.reversed() as [AccreditationStatus]
    let last = months.last
    let lastText =
      last.map { month in
        "; in \(monthLabel(month.month)): "
          + statuses.map { "\(grouped(month.accreditations[$0] ?? 0)) \($0.label.lowercased())" }.joined(
            separator: ", ")
      } ?? ""
    return stackedChart(
      months, id: id, width: width, height: height, series: statuses.map { ($0.rawValue, $0.label.lowercased()) },
      title: "Accreditations by status, month by month",
      summary: "Stacked bars, one a month for the last \(months.count) months, of the accreditations shown at the "
        + "end of each month by status, accredited at the bottom\(lastText). The table beside gives every number."
    ) { month, index in month.accreditations[statuses[index]] ?? 0 }
  }

  /// One bar a month, its `series` stacked from the bottom; `value` gives a month's number of a series.
  private func stackedChart(
    _ months: [ProgramMonth], id: String, width: Int, height: Int, series: [(key: String, label: String)],
    title: String, summary: String, value: (ProgramMonth, Int) -> Int
  ) -> StackedChart {
    let small = width < 480
    let left = small ? 30 : 48
    // Room on the right for half of the last month's label.
    let right = small ? 16 : 26
    let top = 8
    let baseY = height - (small ? 20 : 26)
    let totals = months.map { month in series.indices.map { value(month, $0) }.reduce(0, +) }
    let scale = niceMaximum(totals.max() ?? 0)
    let plotHeight = baseY - top
    let slot = Double(width - left - right) / Double(max(1, months.count))
    let barWidth = max(2, Int(slot * 0.7))
    var segments: [StackedChart.Segment] = []
    var ticks: [StackedChart.Tick] = []
    for (index, month) in months.enumerated() {
      let x = left + Int(Double(index) * slot + (slot - Double(barWidth)) / 2)
      var below = 0
      for (position, item) in series.enumerated() {
        let count = value(month, position)
        guard count > 0 else { continue }
        let bottom = baseY - below * plotHeight / scale
        below += count
        let top = baseY - below * plotHeight / scale
        segments.append(
          .init(
            x: x, y: top, width: barWidth, height: max(1, bottom - top), kind: item.key,
            title: "\(monthLabel(month.month)): \(grouped(count)) \(item.label)"))
      }
      // A month label every three months on the full chart, every six on the small one.
      let every = small ? 6 : 3
      if (months.count - 1 - index) % every == 0 {
        ticks.append(.init(x: x + barWidth / 2, label: monthLabel(month.month)))
      }
    }
    let steps = small ? 2 : 4
    let gridlines = (0...steps).map { step in
      let y = baseY - step * plotHeight / steps
      return StackedChart.Gridline(y: y, textY: y + 4, label: grouped(scale * step / steps))
    }
    return StackedChart(
      id: id, width: width, height: height, left: left, right: width - right, baseY: baseY,
      labelY: baseY + (small ? 14 : 18), title: title, summary: summary, segments: segments, gridlines: gridlines,
      ticks: ticks)
  }

  /// The smallest of 4, 8, 20, 40, 80, 200… (a number the gridlines divide evenly) at or above `value`.
  private func niceMaximum(_ value: Int) -> Int {
    var power = 1
    while true {
      for factor in [4, 8, 20] where factor * power >= value { return factor * power }
      power *= 10
    }
  }
}
