import AccreditContent
import AccreditEngine

/// `actions/` and `actions/page/N/`: every dated item from the evaluation date (included) through the
/// next `days` days, grouped by week, the soonest first: the engine's calendar (evaluations, tier reviews,
/// grace ends, certification expiries) with what each does to the partner's statuses
/// (`Evaluator.outlook`, the projection `accredit upcoming` shows), and the open cases, dated today with
/// the days at their current stage. Pages of `pageSize` rows, so that no page grows with the program.
struct ActionsPage: Sendable, Encodable {
  static let days = 60
  static let pageSize = 100

  /// One accreditation's status now and on the item's day.
  struct Effect: Sendable, Encodable {
    let accreditation: String
    let now: StatusView?
    let then: StatusView
    let changes: Bool
  }

  struct Row: Sendable, Encodable {
    let date: DateView
    let inDays: String
    let partnerName: String?
    let partnerHref: String?
    let pdm: String
    /// "Evaluation of CRM Implementation", "Case NW-2026-019 open at mediation".
    let what: String
    let caseHref: String?
    let effects: [Effect]
    let hasEffects: Bool
    /// What to do, in plain words: "renew Data Operations and Sync before 20 Nov 2026".
    let reason: String
  }

  struct Week: Sendable, Encodable {
    /// "15 Nov 2026 – 21 Nov 2026".
    let label: String
    let id: String
    let rows: [Row]
  }

  let weeks: [Week]
  let hasRows: Bool
  /// "Items 1–100 of 2,345".
  let rangeText: String
  let through: DateView
  let days: Int
  let pageNumber: Int
  let pageCount: Int
  let isPaged: Bool
  let previousHref: String?
  let nextHref: String?
  let pages: [PageLink]
}

/// Something dated on the actions page: a calendar event or a case open today.
enum ActionItem: Sendable {
  case event(CalendarEvent)
  /// A case open on `on` (the evaluation date), at a stage reached `since`.
  case openCase(EscalationCase, since: Day, on: Day)

  var date: Day {
    switch self {
    case .event(let event): event.date
    case .openCase(_, _, let day): day
    }
  }
}

/// What a row of what needs doing says on every page that shows it (`SiteContext.actionRow`): what
/// happens, what it needs, and each accreditation's status now and on the item's day.
struct ActionFacts: Sendable {
  let what: String
  let reason: String
  let effects: [ActionsPage.Effect]
}

extension Route {
  /// Page `number` (1-based) of the actions list.
  static func actions(page number: Int) -> Route { number <= 1 ? .actions : .actionsPage(number) }
}

extension SiteContext {
  /// Every item of the actions pages in their order, without their projections (the pages compute those
  /// for their own rows): the calendar from today through `ActionsPage.days` days, then the open cases,
  /// longest at their stage first, on today's date.
  var actionItems: [ActionItem] {
    actionOrder.withLock { cached in
      if let cached { return cached }
      // The render's one calendar (through the partner list's longer horizon), to this page's horizon: it is
      // in date order, and an event does not depend on the horizon.
      let horizon = asOf.adding(days: ActionsPage.days)
      let events = calendarEvents.prefix { $0.date <= horizon }
      // By index, and sorted as indices: each open case is copied out of the array once, into its item (a
      // copy is a retain of each of its fields; sorting the items moved thousands of them).
      let cases = content.cases
      var open: [(since: Day, id: String, index: Int)] = []
      for index in cases.indices {
        // `isOpen` and `currentStep` by the case's fields: a method called on the element copies it.
        guard let first = cases[index].steps.first, first.date <= asOf,
          cases[index].outcome.map({ $0.date > asOf }) ?? true,
          let step = cases[index].steps.last(where: { $0.date <= asOf })
        else { continue }
        open.append((step.date, cases[index].id, index))
      }
      open.sort { ($0.since, $0.id) < ($1.since, $1.id) }
      let today = events.prefix { $0.date == asOf }
      var items: [ActionItem] = []
      items.reserveCapacity(events.count + open.count)
      items.append(contentsOf: today.map(ActionItem.event))
      for item in open { items.append(.openCase(cases[item.index], since: item.since, on: asOf)) }
      items.append(contentsOf: events.dropFirst(today.count).map(ActionItem.event))
      cached = items
      return items
    }
  }

  var actionsPageCount: Int { max(1, (actionItems.count + ActionsPage.pageSize - 1) / ActionsPage.pageSize) }

  /// Page `number` of the actions list.
  func actionsPage(_ number: Int) -> ActionsPage {
    let items = actionItems
    let count = actionsPageCount
    let here = Route.actions(page: number)
    // A link to the page itself is "./": an empty one would keep the address's query.
    func pageLink(_ page: Int) -> String {
      let link = here.link(to: .actions(page: page))
      return link.isEmpty ? "./" : link
    }
    let start = min((number - 1) * ActionsPage.pageSize, items.count)
    let slice = items[start..<min(start + ActionsPage.pageSize, items.count)]
    // Weeks counted from today: days 0–6, 7–13…
    var weeks: [ActionsPage.Week] = []
    for (position, item) in zip(slice.indices, slice) {
      let week = max(0, asOf.days(until: item.date)) / 7
      let first = asOf.adding(days: week * 7)
      let id = "week-\(first.iso)"
      let built = actionRow(item, at: position, from: here)
      if weeks.last?.id == id {
        let last = weeks.removeLast()
        weeks.append(ActionsPage.Week(label: last.label, id: last.id, rows: last.rows + [built]))
      } else {
        weeks.append(
          ActionsPage.Week(label: "\(first.display) – \(first.adding(days: 6).display)", id: id, rows: [built]))
      }
    }
    return ActionsPage(
      weeks: weeks, hasRows: !slice.isEmpty,
      rangeText: items.isEmpty
        ? "Nothing is due"
        : "Items \(grouped(start + 1))–\(grouped(start + slice.count)) of \(grouped(items.count))",
      through: DateView(asOf.adding(days: ActionsPage.days)), days: ActionsPage.days, pageNumber: number,
      pageCount: count, isPaged: count > 1,
      previousHref: number > 1 ? pageLink(number - 1) : nil,
      nextHref: number < count ? pageLink(number + 1) : nil,
      pages: PageLink.window(current: number, count: count, href: pageLink))
  }

  /// One row of what needs doing, the item at `position` in `actionItems`, with links from `here`: what
  /// happens, each accreditation's status now and on the item's day, and what it needs. Those are the
  /// same on the actions page and on the PDM's page that show the item: made once (`actionFacts`).
  func actionRow(_ item: ActionItem, at position: Int, from here: Route) -> ActionsPage.Row {
    let facts =
      actionFactsCache.withLock { $0[position] }
      ?? {
        let made = actionFacts(item)
        actionFactsCache.withLock { $0[position] = made }
        return made
      }()
    let slug = item.partner
    var caseHref: String?
    if case .openCase(let escalation, _, _) = item {
      caseHref = here.link(to: .escalation(partner: escalation.partnerSlug, id: escalation.id))
    }
    return ActionsPage.Row(
      date: DateView(item.date), inDays: relativeDays(asOf.days(until: item.date)),
      partnerName: slug.flatMap { evaluationsBySlug[$0] }?.name,
      partnerHref: slug.map { here.link(to: .partner(slug: $0)) },
      pdm: slug.flatMap { partners[$0]?.pdm } ?? (slug == nil ? "" : "No PDM"), what: facts.what, caseHref: caseHref,
      effects: facts.effects, hasEffects: !facts.effects.isEmpty, reason: facts.reason)
  }

  /// What a row of what needs doing says, from whichever page: what happens, what it needs, and each
  /// accreditation's status now and on the item's day.
  private func actionFacts(_ item: ActionItem) -> ActionFacts {
    let evaluator = Evaluator(standards: content.standards)
    switch item {
    case .event(let event):
      let (what, reason) = eventWords(event, evaluator: evaluator)
      return ActionFacts(
        what: what, reason: reason,
        effects: event.partner.map { effects($0, on: event.effectDay, evaluator: evaluator) } ?? [])
    case .openCase(let escalation, let since, _):
      let stage = escalation.stage(on: asOf)?.label.lowercased() ?? "complaint"
      var reason = "at \(stage) for \(plural(since.days(until: asOf), "day")), since \(since.display)"
      if let now = evaluationsBySlug[escalation.partnerSlug], evaluator.isOneMarkFromReview(now) {
        reason += "; a mark would send every accreditation to the review board"
      }
      return ActionFacts(
        what: "Case \(escalation.id) open at \(stage)\(escalation.isSerious ? " (serious)" : "")", reason: reason,
        effects: effects(escalation.partnerSlug, on: nil, evaluator: evaluator))
    }
  }

  /// Each accreditation of the partner `slug` (but the revoked ones): its status now, and on `day` when the
  /// item has one (the engine's outlook), or now again.
  private func effects(_ slug: String, on day: Day?, evaluator: Evaluator) -> [ActionsPage.Effect] {
    guard let now = evaluationsBySlug[slug] else { return [] }
    guard let day, let partner = partners[slug] else {
      return now.accreditations.filter { $0.status != .revoked }.map {
        ActionsPage.Effect(
          accreditation: accreditationName($0.type), now: StatusView($0.status), then: StatusView($0.status),
          changes: false)
      }
    }
    return evaluator.outlook(of: partner, cases: cases[slug] ?? [], now: now, on: day)
      .filter { $0.now != .revoked }
      .map {
        ActionsPage.Effect(
          accreditation: accreditationName($0.type), now: $0.now.map(StatusView.init),
          then: StatusView($0.then.status), changes: $0.changes)
      }
  }

  /// What a calendar event is, and what it needs.
  private func eventWords(_ event: CalendarEvent, evaluator: Evaluator) -> (what: String, reason: String) {
    let partner = event.partner.flatMap { partners[$0] }
    switch event.kind {
    case .evaluation:
      let type = event.subject ?? ""
      let projected = partner.map { evaluator.evaluate($0, cases: cases[$0.slug] ?? [], asOf: event.date) }
      return ("Evaluation of \(accreditationName(type))", actionReason(projected, type: type, due: event.date))
    case .tierReview:
      let below = evaluations.count { !$0.isTierEligible && !$0.accreditations.isEmpty }
      return (
        "Tier reviews of every partner begin", "\(plural(below, "partner")) below the eligible tiers now must reach one"
      )
    case .graceEnds:
      let tier = event.partner.flatMap { evaluationsBySlug[$0]?.tier }?.capitalized ?? "none"
      let next = partner.map { evaluator.evaluate($0, cases: cases[$0.slug] ?? [], asOf: event.effectDay) }
      let reason =
        if let further = next?.grace {
          "another grace period runs until \(further.until.display) (tier now \(tier))"
        } else if next?.isTierEligible == true {
          "none: the tier is eligible again from \(event.effectDay.display)"
        } else {
          "reach an eligible tier (now \(tier)) by \(event.date.display)"
        }
      return ("Grace period ends (last day)", reason)
    case .certificationExpires:
      let name = content.standards.certificationName(event.subject ?? "")
      return (
        "Certification \(name) expires",
        event.date == asOf ? "renew \(name): it lapses today" : "renew \(name) before \(event.date.display)"
      )
    }
  }

  /// What an accreditation needs on its evaluation `due`, from its projected evaluation: its failed checks
  /// in plain words, or that it meets every standard.
  func actionReason(_ projected: PartnerEvaluation?, type: String, due: Day) -> String {
    guard let projected, let accreditation = projected.accreditations.last(where: { $0.type == type }) else {
      return ""
    }
    var needs: [String] = []
    for reason in accreditation.reasons {
      switch reason.rule {
      case .marks:
        if let latest = projected.marks.last {
          needs.append("needs a retain decision dated on or after \(latest.date.display)")
        }
      case .seriousCase:
        needs.append("serious case \(reason.caseID ?? "") must close")
      case .certification:
        continue
      case .tier:
        needs.append("reach an eligible tier (now \(projected.tier?.capitalized ?? "none"))")
      case .grace:
        needs.append(reason.message)
      case .decision:
        needs.append(reason.message)
      }
    }
    let missing = accreditation.missingCertifications.map(content.standards.certificationName)
    if !missing.isEmpty {
      needs.append("earn \(missing.joined(separator: " and ")) before \(due.display)")
    }
    return needs.isEmpty ? "meets every standard: renewed" : needs.joined(separator: "; ")
  }
}
