import AccreditContent
import AccreditEngine

/// `index.html`: the program at a glance. Its size does not grow with the program: the partner list
/// shows one page, the due-soon list at most `dueLimit` items, each naming at most `namedPartners`.
struct HomePage: Sendable, Encodable {
  static let dueLimit = 25
  static let namedPartners = 10

  /// A status card: its accreditations and the partners holding one, linking to the list filtered by it.
  struct StatusCount: Sendable, Encodable {
    let status: StatusView
    /// "1,204", the accreditations of the status.
    let count: String
    /// "accreditations" or "accreditation".
    let countNoun: String
    /// "at 312 partners": the partners with at least one accreditation of the status.
    let partners: String
    /// The overview's list filtered by the status (`index.html?status=at-risk#partners`).
    let href: String
  }

  struct PartnerLink: Sendable, Encodable {
    let name: String
    let href: String
    /// What follows the link in a list: ", " or nothing after the last.
    let separator: String
  }

  struct DueItem: Sendable, Encodable {
    let date: DateView
    let inDays: String
    let kind: String
    let detail: String?
    let partnersLabel: String
    let partners: [PartnerLink]
    let hasPartners: Bool
    /// " and 212 more" when the item concerns more partners than it names.
    let morePartners: String?
  }

  /// A stage of the funnel: its words above a bar whose length is its share of the largest stage.
  struct FunnelBar: Sendable, Encodable {
    let label: String
    /// "2,000", grouped.
    let count: String
    /// The bar's length out of `HomePage.funnelWidth`.
    let width: Int
    let endedHere: String
    let kind: String
  }

  /// The length of the funnel's longest bar, in its SVG's units.
  static let funnelWidth = 400

  let partnerCount: String
  let accreditationCount: String
  let counts: [StatusCount]
  /// The link to `api/accreditations.csv`.
  let csvHref: String
  /// The link to what needs doing (`actions/`), which lists every due item.
  let actionsHref: String
  let actionDays: Int
  /// The first page of the partner list: those needing attention most.
  let list: PartnerList
  let dueSoon: [DueItem]
  let hasDueSoon: Bool
  /// "and 40 more in the next 60 days", when the list is cut at `dueLimit` items.
  let moreDue: String?
  let dueDays: Int
  let funnel: [FunnelBar]
  let funnelWidth: Int
  /// "All 264 cases", or "The one case" when there is one.
  let caseCountText: String
  /// The small chart of accreditations by status, month by month, linking to `history/`.
  let trend: HistoryTeaser

  /// "All 1,204 cases", "Both cases", "The one case" or "No cases".
  static func allCases(_ count: Int) -> String {
    switch count {
    case 0: "No cases"
    case 1: "The one case"
    case 2: "Both cases"
    default: "All \(grouped(count)) cases"
    }
  }
}

extension SiteContext {
  func homePage() -> HomePage {
    let statuses = evaluations.flatMap(\.accreditations).map(\.status)
    let partnerStatuses = evaluations.map { Set($0.accreditations.map(\.status)) }
    let due = dueSoon(limit: HomePage.dueLimit)
    let funnel = funnelCounts()
    return HomePage(
      partnerCount: plural(evaluations.count, "partner"),
      accreditationCount: plural(statuses.count, "accreditation"),
      counts: AccreditationStatus.allCases.map { status in
        let count = statuses.count { $0 == status }
        return HomePage.StatusCount(
          status: StatusView(status), count: grouped(count), countNoun: count == 1 ? "accreditation" : "accreditations",
          partners: "at " + plural(partnerStatuses.count { $0.contains(status) }, "partner"),
          href: "index.html?status=\(status.rawValue)#partners")
      },
      csvHref: Route.home.link(to: .accreditationsCSV),
      actionsHref: Route.home.link(to: .actions), actionDays: ActionsPage.days,
      list: partnerList(page: 1, of: listedPartners),
      dueSoon: due.items, hasDueSoon: due.count > 0,
      moreDue: due.count > due.items.count
        ? "and \(grouped(due.count - due.items.count)) more in the next \(soonDays) days" : nil,
      dueDays: soonDays,
      funnel: funnelBars(funnel), funnelWidth: HomePage.funnelWidth,
      caseCountText: HomePage.allCases(funnel.cases), trend: historyTeaser())
  }

  /// The first `limit` items of the engine's calendar from today (included) through the next `soonDays`,
  /// and how many it has. A tier review concerns every partner at once, so it is one item naming the
  /// partners whose tier is at stake.
  func dueSoon(limit: Int) -> (items: [HomePage.DueItem], count: Int) {
    let horizon = asOf.adding(days: soonDays)
    let events = Array(calendarEvents.prefix { $0.date <= horizon })
    let bySlug = Dictionary(evaluations.map { ($0.slug, $0) }, uniquingKeysWith: { first, _ in first })
    let atStake = evaluations.filter { !$0.isTierEligible && !$0.accreditations.isEmpty }
    // Each event's place in the list first; only the items shown are worded (the overview shows
    // `dueLimit` of the thousands a large program has).
    let places = events.indices.map { index -> (day: Day, order: Int, key: String, index: Int) in
      let event = events[index]
      let first = event.partner.flatMap { bySlug[$0] } ?? (event.kind == .tierReview ? atStake.first : nil)
      let detail: String? =
        switch event.kind {
        case .evaluation: event.subject.map(accreditationName)
        case .tierReview: "every partner's tier"
        case .graceEnds: nil
        case .certificationExpires: event.subject.map(content.standards.certificationName)
        }
      return (event.date, event.kind.rank, (first?.name ?? "") + (detail ?? ""), index)
    }
    let shown = places.sorted { ($0.day, $0.order, $0.key) < ($1.day, $1.order, $1.key) }.prefix(limit)
    let items = shown.map { place -> HomePage.DueItem in
      let event = events[place.index]
      let partners = event.partner.flatMap { bySlug[$0] }.map { [$0] } ?? (event.kind == .tierReview ? atStake : [])
      let kind: String
      var detail: String?
      var label = ""
      switch event.kind {
      case .evaluation:
        kind = "Evaluation"
        detail = event.subject.map(accreditationName)
      case .tierReview:
        kind = "Tier review"
        detail = "every partner's tier"
        label = "below the eligible tiers now: "
      case .graceEnds:
        kind = "Grace period ends"
      case .certificationExpires:
        kind = "Certification expires"
        detail = event.subject.map(content.standards.certificationName)
      }
      // A tier review can concern thousands of partners: it names the first few.
      let named = partners.prefix(HomePage.namedPartners)
      let links = named.enumerated().map { index, evaluation in
        HomePage.PartnerLink(
          name: evaluation.name, href: Route.partner(slug: evaluation.slug).path,
          separator: index == named.count - 1 ? "" : ", ")
      }
      return HomePage.DueItem(
        date: DateView(event.date), inDays: relativeDays(asOf.days(until: event.date)), kind: kind, detail: detail,
        partnersLabel: label, partners: links, hasPartners: !links.isEmpty,
        morePartners: partners.count > named.count ? " and \(grouped(partners.count - named.count)) more" : nil)
    }
    return (items, events.count)
  }

  /// How far every existing case got, how many ended in a mark, and how many cases exist.
  private func funnelCounts() -> (reached: [Int], ended: [Int], marks: Int, cases: Int) {
    var reached = Array(repeating: 0, count: 4)
    var ended = Array(repeating: 0, count: 4)
    var marks = 0
    var existing = 0
    // By index, not by element: a case copied out of the array is a retain of each of its fields, which
    // at 10,000 cases cost the overview milliseconds in every preview render.
    let cases = content.cases
    for index in cases.indices {
      // A case exists once its first step is dated (`exists`).
      guard let first = cases[index].steps.first, first.date <= asOf else { continue }
      existing += 1
      // The stages the case reached by the evaluation date, one bit a rank.
      var stages = 0
      var furthest = first.stage
      for step in cases[index].steps where step.date <= asOf {
        stages |= 1 << step.stage.rank
        furthest = max(furthest, step.stage)
      }
      for rank in reached.indices where stages & (1 << rank) != 0 { reached[rank] += 1 }
      if let outcome = cases[index].outcome, outcome.date <= asOf {
        ended[furthest.rank] += 1
        if outcome.decision == .mark { marks += 1 }
      }
    }
    return (reached, ended, marks, existing)
  }

  private func funnelBars(_ counts: (reached: [Int], ended: [Int], marks: Int, cases: Int)) -> [HomePage.FunnelBar] {
    let (reached, ended, marks, _) = counts
    let total = max(1, reached.max() ?? 1)
    let maxWidth = HomePage.funnelWidth
    let labels = EscalationCase.Stage.allCases.map(\.label) + ["Marks placed"]
    let counts = reached + [marks]
    return labels.enumerated().map { index, label in
      let count = counts[index]
      let width = max(count > 0 ? 3 : 0, count * maxWidth / total)
      let endedHere = index < 4 ? "\(grouped(ended[index])) closed here" : "by the review board"
      return HomePage.FunnelBar(
        label: label, count: grouped(count), width: width, endedHere: endedHere, kind: index < 4 ? "stage" : "mark")
    }
  }
}
