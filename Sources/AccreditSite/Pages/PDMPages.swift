import AccreditContent
import AccreditEngine

/// A partner development manager's portfolio: the partners whose record names them (`pdm:`), or the
/// "No PDM" group of those whose record names nobody.
struct PDMPortfolio: Sendable {
  /// The PDM's name, or "No PDM".
  let name: String
  /// The folder under `pdms/`: the name in lower case, runs of other characters as `-`; unique.
  let slug: String
  /// The partners' slugs, by name.
  let partners: [String]
  /// Whether this is the group of partners that name no PDM.
  var isNoPDM = false

  /// The page's heading: "Portfolio of Jana Kowalski", or "Partners without a PDM".
  var heading: String { isNoPDM ? "Partners without a PDM" : "Portfolio of \(name)" }
}

/// `pdms/index.html`: every PDM with the counts of their portfolio.
struct PDMIndexPage: Sendable, Encodable {
  struct Row: Sendable, Encodable {
    let name: String
    let href: String
    let partners: String
    /// The accreditations by status, in the order of `statuses`.
    let counts: [PDMPage.Count]
    let openCases: String
    let dueItems: String
  }

  let rows: [Row]
  let hasRows: Bool
  let statuses: [StatusView]
  let days: Int
}

/// `pdms/<pdm>/index.html` and `pdms/<pdm>/page/N/`: one PDM's partners with their statuses and reasons,
/// their rows of what needs doing, and their open cases, `pageSize` partners a page (with what is due for
/// them and their open cases), so that no page grows with a portfolio (the "No PDM" group can hold
/// thousands of partners).
struct PDMPage: Sendable, Encodable {
  /// How many partners a page of a portfolio shows: 40 keeps a page of the "No PDM" group at 10,000
  /// partners × 3 cases under 150 KB (its fullest page of 50 was 155 KB).
  static let pageSize = 40

  struct Count: Sendable, Encodable {
    let status: StatusView
    /// "1,204".
    let count: String
  }

  struct AccreditationLine: Sendable, Encodable {
    let name: String
    let status: StatusView
    /// The reasons' messages, joined; empty when it meets every standard.
    let reason: String
  }

  struct PartnerRow: Sendable, Encodable {
    let name: String
    let href: String
    let overall: StatusView
    let accreditations: [AccreditationLine]
    let hasAccreditations: Bool
  }

  struct CaseRow: Sendable, Encodable {
    let id: String
    let href: String
    let partnerName: String
    let stage: String
    let isSerious: Bool
    let since: DateView
    let daysAtStage: String
  }

  let name: String
  /// "Portfolio of Jana Kowalski", or "Partners without a PDM".
  let heading: String
  /// The portfolio's feed, which the layout links with `<link rel="alternate">`.
  let feedHref: String
  let indexHref: String
  let partnerCount: String
  let counts: [Count]
  let partners: [PartnerRow]
  let actions: [ActionsPage.Row]
  let hasActions: Bool
  let openCases: [CaseRow]
  let hasOpenCases: Bool
  let days: Int
  let pageNumber: Int
  let pageCount: Int
  let isPaged: Bool
  /// "Partners 51–100 of 1,004, by name".
  let rangeText: String
  let previousHref: String?
  let nextHref: String?
  let pages: [PageLink]
}

extension Route {
  /// The folder of a PDM's page.
  static func pdm(_ portfolio: PDMPortfolio) -> Route { .pdm(slug: portfolio.slug) }

  /// Page `number` (1-based) of a PDM's portfolio: the PDM's folder for the first.
  static func pdm(_ portfolio: PDMPortfolio, page number: Int) -> Route {
    number <= 1 ? .pdm(slug: portfolio.slug) : .pdmPage(slug: portfolio.slug, number)
  }
}

/// A row of the PDMs' index, as numbers (`SiteContext.pdmTallies`).
struct PDMTally {
  let portfolio: PDMPortfolio
  let partners: Int
  /// The portfolio's accreditations of each status, in the order of `AccreditationStatus.allCases`.
  let statuses: [Int]
  let openCases: Int
  let dueItems: Int
}

extension PDMPortfolio {
  /// How many pages of `PDMPage.pageSize` partners the portfolio takes (at least one).
  var pageCount: Int { max(1, (partners.count + PDMPage.pageSize - 1) / PDMPage.pageSize) }
}

extension SiteContext {
  /// Every PDM's portfolio, by name, then "No PDM" when some partner names nobody.
  var portfolios: [PDMPortfolio] {
    var byName: [String: [PartnerEvaluation]] = [:]
    var none: [PartnerEvaluation] = []
    for evaluation in evaluations {
      if let pdm = partners[evaluation.slug]?.pdm, !pdm.allSatisfy(\.isWhitespace) {
        byName[pdm, default: []].append(evaluation)
      } else {
        none.append(evaluation)
      }
    }
    var groups = byName.keys.sorted().map {
      (name: $0, base: Self.folderName($0), members: byName[$0] ?? [], isNoPDM: false)
    }
    if !none.isEmpty { groups.append((name: "No PDM", base: "no-pdm", members: none, isNoPDM: true)) }
    var used: Set<String> = []
    return groups.map { name, base, members, isNoPDM in
      var slug = base
      var number = 2
      while used.contains(slug) {
        slug = "\(base)-\(number)"
        number += 1
      }
      used.insert(slug)
      return PDMPortfolio(
        name: name, slug: slug,
        partners: members.sorted { ($0.name, $0.slug) < ($1.name, $1.slug) }.map(\.slug), isNoPDM: isNoPDM)
    }
  }

  /// `Jana Kowalski` → `jana-kowalski`; a name of no letters or digits → `pdm`.
  static func folderName(_ name: String) -> String {
    var result = ""
    var dash = false
    for scalar in name.lowercased().unicodeScalars {
      if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) {
        if dash && !result.isEmpty { result += "-" }
        result.unicodeScalars.append(scalar)
        dash = false
      } else {
        dash = true
      }
    }
    return result.isEmpty ? "pdm" : result
  }

  /// What the PDMs' index counts of each portfolio: its partners, its accreditations by status (in the
  /// order of `AccreditationStatus.allCases`), its open cases and its items of `actions/`. The page shows
  /// these numbers, and its key is made of them (`KeyRule.portfolios`).
  func pdmTallies(_ portfolios: [PDMPortfolio]) -> [PDMTally] {
    let due = Dictionary(grouping: actionItems.compactMap(\.partner), by: { $0 }).mapValues(\.count)
    return portfolios.map { portfolio in
      let members = portfolio.partners.compactMap { evaluationsBySlug[$0] }
      let statuses = members.flatMap(\.accreditations).map(\.status)
      return PDMTally(
        portfolio: portfolio, partners: members.count,
        statuses: AccreditationStatus.allCases.map { status in statuses.count { $0 == status } },
        openCases: members.reduce(0) { $0 + $1.openCases.count },
        dueItems: portfolio.partners.reduce(0) { $0 + (due[$1] ?? 0) })
    }
  }

  func pdmIndexPage(_ portfolios: [PDMPortfolio]) -> PDMIndexPage {
    let rows = pdmTallies(portfolios).map { tally in
      PDMIndexPage.Row(
        name: tally.portfolio.name, href: Route.pdms.link(to: .pdm(tally.portfolio)), partners: grouped(tally.partners),
        counts: zip(AccreditationStatus.allCases, tally.statuses).map { status, count in
          PDMPage.Count(status: StatusView(status), count: grouped(count))
        },
        openCases: grouped(tally.openCases), dueItems: grouped(tally.dueItems))
    }
    return PDMIndexPage(
      rows: rows, hasRows: !rows.isEmpty, statuses: AccreditationStatus.allCases.map(StatusView.init),
      days: ActionsPage.days)
  }

  /// Page `number` of a portfolio: the counts of the whole portfolio, then the page's partners, the
  /// `actions/` rows of those partners and their open cases.
  func pdmPage(_ portfolio: PDMPortfolio, page number: Int = 1) -> PDMPage {
    let here = Route.pdm(portfolio, page: number)
    let all = portfolio.partners.compactMap { evaluationsBySlug[$0] }
    let statuses = all.flatMap(\.accreditations).map(\.status)
    let count = portfolio.pageCount
    let start = min((number - 1) * PDMPage.pageSize, all.count)
    let members = Array(all[start..<min(start + PDMPage.pageSize, all.count)])
    let slugs = Set(members.map(\.slug))
    // A link to the page itself is "./": an empty one would keep the address's query.
    func pageLink(_ page: Int) -> String {
      let link = here.link(to: .pdm(portfolio, page: page))
      return link.isEmpty ? "./" : link
    }
    let rows = members.map { evaluation in
      let lines = evaluation.accreditations.map {
        PDMPage.AccreditationLine(
          name: accreditationName($0.type), status: StatusView($0.status),
          reason: $0.reasons.map(\.message).joined(separator: "; "))
      }
      return PDMPage.PartnerRow(
        name: evaluation.name, href: here.link(to: .partner(slug: evaluation.slug)),
        overall: overallStatus(of: evaluation).map(StatusView.init) ?? .none, accreditations: lines,
        hasAccreditations: !lines.isEmpty)
    }
    let items = actionItems
    let actions = actionPositions(of: slugs).map { actionRow(items[$0], at: $0, from: here) }
    let open = members.flatMap { evaluation in
      (cases[evaluation.slug] ?? []).compactMap { escalation -> PDMPage.CaseRow? in
        guard escalation.isOpen(on: asOf), let step = escalation.currentStep(on: asOf) else { return nil }
        return PDMPage.CaseRow(
          id: escalation.id, href: here.link(to: .escalation(partner: evaluation.slug, id: escalation.id)),
          partnerName: evaluation.name, stage: step.stage.label, isSerious: escalation.isSerious,
          since: DateView(step.date), daysAtStage: plural(step.date.days(until: asOf), "day"))
      }
    }
    return PDMPage(
      name: portfolio.name, heading: portfolio.heading, feedHref: here.link(to: .pdmFeed(slug: portfolio.slug)),
      indexHref: here.link(to: .pdms),
      partnerCount: plural(all.count, "partner"),
      counts: AccreditationStatus.allCases.map { status in
        PDMPage.Count(status: StatusView(status), count: grouped(statuses.count { $0 == status }))
      },
      partners: rows, actions: actions, hasActions: !actions.isEmpty, openCases: open, hasOpenCases: !open.isEmpty,
      days: ActionsPage.days, pageNumber: number, pageCount: count, isPaged: count > 1,
      rangeText: all.isEmpty
        ? "No partners"
        : "Partners \(grouped(start + 1))–\(grouped(start + members.count)) of \(grouped(all.count)), by name",
      previousHref: number > 1 ? pageLink(number - 1) : nil,
      nextHref: number < count ? pageLink(number + 1) : nil,
      pages: PageLink.window(current: number, count: count, href: pageLink))
  }
}

extension SiteContext {
  /// The items of `actionItems` that concern one of `slugs`, in their order: what
  /// `actionItems.filter { slugs.contains($0.partner) }` gives, found through each partner's positions
  /// (listed once), so that a thousand PDM pages do not each copy every item of the program.
  func actionItems(of slugs: Set<String>) -> [ActionItem] {
    let all = actionItems
    return actionPositions(of: slugs).map { all[$0] }
  }

  /// The positions in `actionItems` of the items that concern one of `slugs`, in order.
  func actionPositions(of slugs: Set<String>) -> [Int] {
    let all = actionItems
    let positions = actionPositions.withLock { cached in
      if let cached { return cached }
      var byPartner: [String: [Int]] = [:]
      for (index, item) in all.enumerated() {
        if let partner = item.partner { byPartner[partner, default: []].append(index) }
      }
      cached = byPartner
      return byPartner
    }
    return slugs.flatMap { positions[$0] ?? [] }.sorted()
  }
}

extension ActionItem {
  /// The partner the item concerns; nil for a tier review, which concerns every partner.
  var partner: String? {
    switch self {
    case .event(let event): event.partner
    case .openCase(let escalation, _, _): escalation.partnerSlug
    }
  }
}
