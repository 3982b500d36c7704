import AccreditContent
import AccreditEngine
import AccreditMustache
import Synchronization

// The values templates show. Everything is computed and formatted here so that the Mustache templates
// stay free of logic: they only print fields and loop over lists.

/// A date, for `<time datetime="{{iso}}">{{display}}</time>`.
struct DateView: Sendable, Encodable {
  let iso: String
  let display: String

  init(_ day: Day) {
    iso = day.iso
    display = day.display
  }
}

/// A status shown by word and icon, never by colour alone.
struct StatusView: Sendable, Encodable {
  /// `accredited`, `at-risk`, …: the CSS class suffix and the filter value.
  let key: String
  /// `Accredited`, `At risk`, …
  let label: String
  /// An SVG path for the 16×16 icon.
  let icon: String
  /// Its place in the precedence, for sorting tables (0 = revoked).
  let rank: Int
  /// One sentence a newcomer can read.
  let meaning: String

  init(_ status: AccreditationStatus) {
    key = status.rawValue
    label = status.label
    rank = AccreditationStatus.allCases.firstIndex(of: status) ?? 0
    icon = StatusView.icon(status)
    meaning = StatusView.meaning(status)
  }

  /// The status of a partner with no accreditation shown.
  static let none = StatusView(key: "none", label: "No accreditation", icon: "M3 7h10v2H3z", rank: 5, meaning: "")

  private init(key: String, label: String, icon: String, rank: Int, meaning: String) {
    self.key = key
    self.label = label
    self.icon = icon
    self.rank = rank
    self.meaning = meaning
  }

  /// An SVG path for the 16×16 icon.
  private static func icon(_ status: AccreditationStatus) -> String {
    switch status {
    case .accredited:
      "M6.2 11.8 2.6 8.2l1.4-1.4 2.2 2.2 5.8-5.8 1.4 1.4z"
    case .atRisk:
      "M8 1.2 15.2 14H.8zM7.1 5.6v4.2h1.8V5.6zm0 5.4v1.8h1.8V11z"
    case .underReview:
      "M8 1a7 7 0 1 1 0 14A7 7 0 0 1 8 1zm0 1.8a5.2 5.2 0 1 0 0 10.4A5.2 5.2 0 0 0 8 2.8zM7.1 4h1.8v3.6l2.4 2.4-1.3 1.3-2.9-2.9z"
    case .ineligible:
      "M8 1a7 7 0 1 1 0 14A7 7 0 0 1 8 1zM4.2 5.5a5.2 5.2 0 0 0 6.3 6.3zm1.3-1.3 6.3 6.3a5.2 5.2 0 0 0-6.3-6.3z"
    case .revoked:
      "M8 1a7 7 0 1 1 0 14A7 7 0 0 1 8 1zm2.6 3.1L8 6.7 5.4 4.1 4.1 5.4 6.7 8l-2.6 2.6 1.3 1.3L8 9.3l2.6 2.6 1.3-1.3L9.3 8l2.6-2.6z"
    }
  }

  /// One sentence a newcomer can read.
  private static func meaning(_ status: AccreditationStatus) -> String {
    switch status {
    case .accredited:
      "Meets every standard."
    case .atRisk:
      "Still accredited, but a grace period is running or a required certification is missing."
    case .underReview:
      "The review board must look at it: more marks than allowed, or a serious escalation is open."
    case .ineligible:
      "The partner's tier is below the eligible tiers and no grace period covers the date."
    case .revoked:
      "Taken away by a review board decision with director approval."
    }
  }
}

/// A link in the site's main navigation.
struct NavLink: Sendable, Encodable {
  let label: String
  let href: String
  let isCurrent: Bool
}

/// What every page shows around its own content.
struct PageFrame<Body: Sendable & Encodable>: Sendable, Encodable {
  /// The site's title.
  let siteTitle: String
  /// This page's title.
  let title: String
  /// A one-line description for `<meta name="description">`.
  let description: String
  /// The way from this page to the site root: `""`, `"../"`, `"../../"`.
  let root: String
  /// The evaluation date.
  let asOf: DateView
  /// The main navigation: `NavLink`s, encoded once for each depth and current page rather than per page.
  let nav: TemplateValue
  /// Whether the site has a search index (`build --search`): the layout then shows the search box.
  let search: Bool
  /// The page's own model.
  let page: Body
}

/// Site-wide facts the page builders share; a class, so that the thousands of page jobs that capture it
/// share one copy rather than retaining each of its fields.
final class SiteContext: Sendable {
  let content: Content
  let evaluations: [PartnerEvaluation]
  let asOf: Day
  /// Whether the site is built with a search index.
  let search: Bool
  /// How many partners a page of the partner list shows.
  let listPageSize: Int
  /// How many status changes a page of the history lists.
  let historyPageSize: Int

  /// Partner records by slug.
  let partners: [String: Partner]
  /// Evaluations by partner slug.
  let evaluationsBySlug: [String: PartnerEvaluation]
  /// Cases by partner slug, by id.
  let cases: [String: [EscalationCase]]
  /// The steppers of the cases shown so far, encoded, by case file.
  let stepperCache = Mutex<[String: Encoded<[StepperStage]>]>([:])
  /// Every partner in the list's order, sorted the first time a list asks (`listedPartners`).
  let listOrder = Mutex<[PartnerEvaluation]?>(nil)
  /// Each partner's first calendar item, computed by the first job that asks (`nextDue`).
  let dueCache = Mutex<[String: Day]?>(nil)
  /// The engine's calendar through `PartnerList.dueHorizon` days, made by the first job that asks
  /// (`calendarEvents`).
  let calendarCache = Mutex<[CalendarEvent]?>(nil)
  /// Every partner's history, computed by the first job that asks (`programHistories`).
  let historyCache = Mutex<[PartnerHistory]?>(nil)
  /// Each partner's history, by slug, as its page, its feed or the site-wide files first asked (or as the
  /// last render left them, for the preview server).
  let histories: PartnerMemo
  /// The status changes of the last 90 days, computed by the first job that asks (`recentChanges`).
  let recentCache = Mutex<[StatusChangeItem]?>(nil)
  /// The program month by month, computed by the first job that asks (`programMonths`).
  let monthsCache = Mutex<[ProgramMonth]?>(nil)
  /// The items of the actions pages in order, listed the first time a page asks (`actionItems`).
  let actionOrder = Mutex<[ActionItem]?>(nil)
  /// The positions in `actionItems` of each partner's items, listed the first time a PDM page asks.
  let actionPositions = Mutex<[String: [Int]]?>(nil)
  /// What each row of what needs doing says, by the item's position in `actionItems`, made by the first
  /// page that shows it (the actions page or the PDM's page).
  let actionFactsCache = Mutex<[Int: ActionFacts]>([:])
  /// The navigation of the pages up to four folders deep, encoded, by root and current page.
  private let encodedNavigation: [String: TemplateValue]
  /// The evaluation date as every page's frame shows it, made once.
  let asOfValue: TemplateValue

  init(
    content: Content, evaluations: [PartnerEvaluation], asOf: Day, search: Bool = false,
    listPageSize: Int = PartnerList.defaultPageSize, historyPageSize: Int = HistoryPage.defaultPageSize,
    histories: PartnerMemo = PartnerMemo()
  ) {
    self.histories = histories
    self.historyPageSize = max(1, historyPageSize)
    self.search = search
    self.listPageSize = max(1, listPageSize)
    self.content = content
    self.evaluations = evaluations
    self.asOf = asOf
    partners = Dictionary(content.partners.map { ($0.slug, $0) }, uniquingKeysWith: { first, _ in first })
    evaluationsBySlug = Dictionary(evaluations.map { ($0.slug, $0) }, uniquingKeysWith: { first, _ in first })
    cases = Self.byPartner(content.cases)
    let currents =
      ["", "home", "standards", "history", "faq", "board", "actions", "pdms"] + content.pages.map { "page-\($0.slug)" }
    var encoded: [String: TemplateValue] = [:]
    for depth in 0...4 {
      let root = String(repeating: "../", count: depth)
      for current in currents {
        encoded[root + "\u{0}" + current] = Self.encode(Self.nav(content.pages, root: root, current: current))
      }
    }
    encodedNavigation = encoded
    asOfValue = DateView(asOf).templateValue
  }

  /// `cases` by partner slug, each partner's by id. `Content` keeps its cases by partner: each partner's
  /// are one run, put in at once (each case put in its partner's list on its own was a fifth of making the
  /// context at 10,000 partners).
  private static func byPartner(_ cases: [EscalationCase]) -> [String: [EscalationCase]] {
    var byPartner: [String: [EscalationCase]] = [:]
    for (slug, run) in cases.partnerRuns() { byPartner[slug, default: []] += cases[run] }
    return byPartner.mapValues { run in
      run.indices.dropFirst().allSatisfy { run[$0 - 1].id < run[$0].id } ? run : run.sorted { $0.id < $1.id }
    }
  }

  /// The context of `content` and `evaluations` after the records or the cases' data of the partners
  /// `edited` alone changed since `previous` was made (the same case files, pages, settings, standards and
  /// date): the navigation is `previous`'s, the cases by partner and the lookups by slug are `previous`'s
  /// with those partners' entries replaced, and the caches start empty. A preview server's record or case
  /// edit, without a pass over every case. With `keepingOrder` (the edited records differ only in what
  /// no evaluation, calendar or order reads: `Partner.reach(from:)`), the list's order, the calendar and
  /// each partner's first due date are `previous`'s, which those records left as they were.
  init(
    updating previous: SiteContext, edited: Set<String>, content: Content, evaluations: [PartnerEvaluation],
    histories: PartnerMemo, keepingOrder: Bool = false
  ) {
    self.histories = histories
    historyPageSize = previous.historyPageSize
    search = previous.search
    listPageSize = previous.listPageSize
    self.content = content
    self.evaluations = evaluations
    asOf = previous.asOf
    var partners = previous.partners
    var evaluationsBySlug = previous.evaluationsBySlug
    // An edited partner may be new, or gone.
    for slug in edited {
      partners[slug] = nil
      evaluationsBySlug[slug] = nil
    }
    for partner in content.partners where edited.contains(partner.slug) { partners[partner.slug] = partner }
    self.partners = partners
    for evaluation in evaluations where edited.contains(evaluation.slug) {
      evaluationsBySlug[evaluation.slug] = evaluation
    }
    self.evaluationsBySlug = evaluationsBySlug
    // The edited partners' cases as the content has them now (a case edit changes them; the content's
    // cases are in partner then id order, so each partner's are one run).
    var cases = previous.cases
    for slug in edited {
      var start = 0
      var high = content.cases.count
      while start < high {
        let middle = (start + high) / 2
        if content.cases[middle].partnerSlug < slug { start = middle + 1 } else { high = middle }
      }
      let end = content.cases[start...].firstIndex { $0.partnerSlug != slug } ?? content.cases.endIndex
      if start < end {
        cases[slug] = Array(content.cases[start..<end]).sorted { $0.id < $1.id }
      } else {
        cases[slug] = nil
      }
    }
    self.cases = cases
    encodedNavigation = previous.encodedNavigation
    asOfValue = previous.asOfValue
    if keepingOrder {
      listOrder.withLock { $0 = previous.listOrder.withLock { $0 } }
      dueCache.withLock { $0 = previous.dueCache.withLock { $0 } }
      calendarCache.withLock { $0 = previous.calendarCache.withLock { $0 } }
    }
  }

  /// The name of an accreditation type.
  func accreditationName(_ type: String) -> String {
    content.standards.accreditationType(type)?.name ?? type
  }

  /// Whether a case exists on the evaluation date (its first step is on or before it).
  func exists(_ escalation: EscalationCase) -> Bool {
    escalation.exists(on: asOf)
  }

  /// The main navigation, with `current` marked.
  private static func nav(_ pages: [Page], root: String, current: String) -> [NavLink] {
    var links = [
      NavLink(label: "Overview", href: root.isEmpty ? "./" : root, isCurrent: current == "home"),
      NavLink(label: "Standards", href: root + Route.standards.path, isCurrent: current == "standards"),
      NavLink(label: "History", href: root + Route.history.path, isCurrent: current == "history"),
    ]
    links += pages.map {
      NavLink(label: $0.title, href: root + Route.page(slug: $0.slug).path, isCurrent: current == "page-\($0.slug)")
    }
    links.append(NavLink(label: "Actions", href: root + Route.actions.path, isCurrent: current == "actions"))
    links.append(NavLink(label: "PDMs", href: root + Route.pdms.path, isCurrent: current == "pdms"))
    links.append(NavLink(label: "Review board", href: root + Route.board.path, isCurrent: current == "board"))
    links.append(NavLink(label: "FAQ", href: root + Route.faq.path, isCurrent: current == "faq"))
    return links
  }

  /// Wraps a page model with the frame every page shares.
  func frame<Body>(_ page: Body, title: String, description: String, root: String, current: String)
    -> PageFrame<Body>
  {
    PageFrame(
      siteTitle: content.site.title, title: title, description: description, root: root, asOf: DateView(asOf),
      nav: encodedNavigation(root: root, current: current), search: search, page: page)
  }

  /// The main navigation of a page at `root` whose own link is `current`, encoded.
  func encodedNavigation(root: String, current: String) -> TemplateValue {
    encodedNavigation[root + "\u{0}" + current] ?? Self.encode(Self.nav(content.pages, root: root, current: current))
  }

  private static func encode(_ links: [NavLink]) -> TemplateValue {
    // Plain structs of text and flags: encoding them cannot fail.
    (try? TemplateEncoder.encode(links)) ?? .list([])
  }
}

/// A status's place in the lists' order: those needing action (ineligible, under review, at risk), then
/// revoked (nothing more to do), then accredited.
func listRank(_ status: AccreditationStatus) -> Int {
  switch status {
  case .ineligible: 0
  case .underReview: 1
  case .atRisk: 2
  case .revoked: 3
  case .accredited: 4
  }
}

/// The worst status among a partner's accreditations (the first in precedence), or nil without any.
func overallStatus(of evaluation: PartnerEvaluation) -> AccreditationStatus? {
  evaluation.accreditations.map(\.status).min()
}

/// "in 5 days", "today", "tomorrow".
func relativeDays(_ days: Int) -> String {
  switch days {
  case 0: "today"
  case 1: "tomorrow"
  case -1: "yesterday"
  case ..<0: "\(-days) days ago"
  default: "in \(days) days"
  }
}

/// "1 mark", "3 marks", "2,000 partners".
func plural(_ count: Int, _ noun: String, _ pluralNoun: String? = nil) -> String {
  "\(grouped(count)) \(count == 1 ? noun : pluralNoun ?? noun + "s")"
}

/// A link of a pager (the partner list, `actions/`, `history/`, a PDM's portfolio): the first and last
/// pages and two either side of the current one.
struct PageLink: Sendable, Encodable {
  let number: Int
  /// As the page's template needs it: relative to the page, or from the site root.
  let href: String
  let isCurrent: Bool
  /// A gap ("…") comes before this link.
  let gapBefore: Bool

  /// The links of page `current` of `count`, each page's address by `href`.
  static func window(current: Int, count: Int, href: (Int) -> String) -> [PageLink] {
    let numbers = Set([1, count] + Array(max(1, current - 2)...min(count, current + 2))).sorted()
    return numbers.enumerated().map { index, page in
      PageLink(
        number: page, href: href(page), isCurrent: page == current,
        gapBefore: index > 0 && numbers[index - 1] != page - 1)
    }
  }
}
