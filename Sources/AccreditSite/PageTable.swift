import AccreditContent
import AccreditEngine

/// Every kind of output file of the site, one row each: its route, its template (or none, for a file
/// written by code), its key rule and how its model is made. `JobPlanner` makes the jobs from these rows,
/// `TemplateSet` requires their templates (the partials and parents they use follow from the templates,
/// `TemplateLibrary.dependencies`), and `TemplateFieldTests` checks `docs/site.md` against them. A new kind
/// of page is a row here (and in `kinds`), a `Route` case, a model in `Pages/` and its template;
/// `JobPlanner` says which items it has and makes each item's job (`JobPlanner.job(_:_:)`).
enum PageTable {
  /// Every row, in the order of the table.
  static let kinds: [PageKind] = [
    partner.kind, marks.kind, escalation.kind, badge.kind, partnerFeed.kind,
    partnerList.kind, history.kind, partnerIndex.kind,
    faq.kind, freePage.kind, standards.kind,
    board.kind, actions.kind, pdms.kind, pdm.kind, pdmFeed.kind,
    historyJSON.kind, home.kind, feed.kind, statusJSON.kind, accreditationsCSV.kind,
    notFound.kind, sitemap.kind, sitemapIndex.kind,
  ]

  /// The templates of the rows, each once, in the order of the table: those a template set must have.
  static let templates: [String] = kinds.compactMap(\.template).reduce(into: []) { names, name in
    if !names.contains(name) { names.append(name) }
  }

  // MARK: A partner's files

  static let partner = PageSpec<PartnerItem>.page(
    "partner", template: "partner", route: { .partner(slug: $0.evaluation.slug) }, key: .partner,
    frame: { site, item in
      Frame(
        title: item.evaluation.name,
        description: "Accreditation status of \(item.evaluation.name) as of \(site.asOf.display).")
    }
  ) { site, item in site.partnerPage(item.evaluation) }

  static let marks = PageSpec<PartnerItem>.page(
    "marks", template: "marks", route: { .marks(partner: $0.evaluation.slug) }, key: .partner,
    frame: { _, item in
      Frame(
        title: "Marks on record · \(item.evaluation.name)",
        description: "Marks on record for \(item.evaluation.name).")
    }
  ) { site, item in site.marksPage(item.evaluation) }

  static let escalation = PageSpec<CaseItem>.page(
    "case", template: "case", route: { .escalation(partner: $0.evaluation.slug, id: $0.escalation.id) },
    key: .escalation,
    frame: { _, item in
      Frame(
        title: "Case \(item.escalation.id) · \(item.evaluation.name)",
        description: "Escalation case \(item.escalation.id) concerning \(item.evaluation.name).")
    }
  ) { site, item in site.casePage(item.escalation, partnerName: item.evaluation.name) }

  static let badge = PageSpec<PartnerItem>.file(
    "badge", template: "badge", route: { .badge(partner: $0.evaluation.slug) }, key: .partner
  ) { site, item in site.badge(for: item.evaluation) }

  static let partnerFeed = PageSpec<PartnerItem>.file(
    "partner feed", template: "feed", route: { .partnerFeed(partner: $0.evaluation.slug) }, key: .partner
  ) { site, item in site.partnerFeed(item.evaluation) }

  // MARK: The lists

  /// Page 2 and up of the partner list; the first is on the overview.
  static let partnerList = PageSpec<ListPageItem>.page(
    "partner list", template: "partners", route: { .partnerListPage($0.number) }, key: .listPage,
    frame: { site, item in
      Frame(
        title: "Partners, page \(item.number) of \(site.partnerPageCount)",
        description: "Page \(item.number) of the list of partners as of \(site.asOf.display).")
    }
  ) { site, item in site.partnerListPage(item.number) }

  static let history = PageSpec<Int>.page(
    "history", template: "history", route: { .history(page: $0) }, key: .evaluated,
    frame: { site, number in
      number == 1
        ? Frame(
          title: "Status over time",
          description: "Accreditations and partners by status, month by month, and the status changes of the last "
            + "\(HistoryPage.recentDays) days, as of \(site.asOf.display).",
          current: "history")
        : Frame(
          title: "Status changes, page \(number) of \(site.historyPageCount)",
          description: "Page \(number) of the status changes of the last \(HistoryPage.recentDays) days.")
    }
  ) { site, number in site.historyPage(number) }

  /// `api/partners.json`, the list's index for the browser's filters.
  static let partnerIndex = PageSpec<Void>.bytes(
    "partner index", route: { .partnerIndex }, key: .everything
  ) { site, _ in PartnerIndex.bytes(site: site, ordered: site.listedPartners, memo: site.histories) }

  // MARK: The documents

  static let faq = PageSpec<Void>.page(
    "faq", template: "faq", route: { .faq }, key: .faq,
    frame: { _, _ in
      Frame(
        title: "Frequently asked questions",
        description: "Answers to what partners ask about the accreditation standards.", current: "faq")
    }
  ) { site, _ in site.faqPage() }

  static let freePage = PageSpec<Page>.page(
    "free page", template: "page", route: { .page(slug: $0.slug) }, key: .freePage,
    frame: { _, page in Frame(title: page.title, description: page.title, current: "page-\(page.slug)") }
  ) { site, page in site.freePage(page) }

  static let standards = PageSpec<Void>.page(
    "standards", template: "standards", route: { .standards }, key: .global,
    frame: { _, _ in
      Frame(
        title: "The standards",
        description: "The program's accreditation standards: tiers, certifications and thresholds.",
        current: "standards")
    }
  ) { site, _ in site.standardsPage() }

  // MARK: The agendas

  static let board = PageSpec<Void>.page(
    "board", template: "board", route: { .board }, key: .evaluated,
    frame: { site, _ in
      Frame(
        title: "Review board agenda", description: "The review board's agenda as of \(site.asOf.display).",
        current: "board")
    }
  ) { site, _ in site.boardPage() }

  static let actions = PageSpec<ActionsPageItem>.page(
    "actions", template: "actions", route: { .actions(page: $0.number) }, key: .actionsPage,
    frame: { site, item in
      Frame(
        title: item.number == 1
          ? "What needs doing" : "What needs doing, page \(item.number) of \(site.actionsPageCount)",
        description: "Every dated item of the next \(ActionsPage.days) days as of \(site.asOf.display).",
        current: item.number == 1 ? "actions" : "")
    }
  ) { site, item in site.actionsPage(item.number) }

  /// The PDMs' index; its item is every portfolio (`SiteContext.portfolios`).
  static let pdms = PageSpec<[PDMPortfolio]>.page(
    "pdms", template: "pdms", route: { _ in .pdms }, key: .portfolios,
    frame: { site, _ in
      Frame(
        title: "Portfolios of the PDMs",
        description: "Every partner development manager's partners as of \(site.asOf.display).", current: "pdms")
    }
  ) { site, portfolios in site.pdmIndexPage(portfolios) }

  static let pdm = PageSpec<PortfolioItem>.page(
    "pdm", template: "pdm", route: { .pdm($0.portfolio, page: $0.number) }, key: .portfolio,
    frame: { site, item in
      let heading = item.portfolio.heading
      return Frame(
        title: item.number == 1 ? heading : "\(heading), page \(item.number) of \(item.portfolio.pageCount)",
        description: "The partners of \(item.portfolio.name) as of \(site.asOf.display).")
    }
  ) { site, item in site.pdmPage(item.portfolio, page: item.number) }

  static let pdmFeed = PageSpec<PortfolioItem>.file(
    "pdm feed", template: "feed", route: { .pdmFeed(slug: $0.portfolio.slug) }, key: .portfolio
  ) { site, item in site.pdmFeed(item.portfolio) }

  // MARK: The files that show every partner

  /// `api/history.json`: evaluates every partner on each day that changed something.
  static let historyJSON = PageSpec<Void>.bytes(
    "history json", route: { .historyJSON }, key: .evaluated
  ) { site, _ in
    HistoryJSON.bytes(
      histories: site.programHistories, asOf: site.asOf, memo: site.histories, months: site.programMonths)
  }

  /// The overview.
  static let home = PageSpec<Void>.page(
    "home", template: "home", route: { .home }, key: .everything,
    frame: { site, _ in
      Frame(
        title: "Overview", description: "Accreditation status of every partner as of \(site.asOf.display).",
        current: "home")
    }
  ) { site, _ in site.homePage() }

  static let feed = PageSpec<Void>.file(
    "feed", template: "feed", route: { .feed }, key: .evaluated
  ) { site, _ in site.feed() }

  /// `api/status.json`; its item is the content folder's name, which its sources start with.
  static let statusJSON = PageSpec<String>.bytes(
    "status json", route: { _ in .statusJSON }, key: .evaluated
  ) { site, contentName in
    StatusDocument.bytes(
      evaluations: site.evaluations, asOf: site.asOf, contentName: contentName, memo: site.histories)
  }

  static let accreditationsCSV = PageSpec<Void>.bytes(
    "accreditations csv", route: { .accreditationsCSV }, key: .everything
  ) { site, _ in AccreditationsCSV.bytes(evaluations: site.evaluations, partners: site.partners, memo: site.histories) }

  // MARK: The 404 page and the sitemap

  /// The 404 page may be served at any depth, so it links from the site's root path.
  static let notFound = PageSpec<Void>.page(
    "not found", template: "not-found", route: { .notFound }, key: .global,
    frame: { site, _ in
      Frame(
        title: "Page not found", description: "Page not found.", root: sitePath(site.content.site.baseURL))
    }
  ) { _, _ in NotFoundPage() }

  /// `sitemap.xml` listing every page, or one part of a split sitemap.
  static let sitemap = PageSpec<SitemapItem>.file(
    "sitemap", template: "sitemap", route: { $0.number.map(Route.sitemapPart) ?? .sitemap }, key: .sitemap
  ) { site, item in site.sitemap(paths: item.paths) }

  /// `sitemap.xml` as the index of a split sitemap's parts.
  static let sitemapIndex = PageSpec<SitemapItem>.file(
    "sitemap index", template: "sitemap-index", route: { _ in .sitemap }, key: .sitemap
  ) { site, item in site.sitemapIndex(files: item.paths) }

  /// The path part of the base URL, ending in `/`: `https://x.example/status/` → `/status/`.
  static func sitePath(_ baseURL: String) -> String {
    guard let scheme = baseURL.range(of: "://") else { return "/" }
    let rest = baseURL[scheme.upperBound...]
    guard let slash = rest.firstIndex(of: "/") else { return "/" }
    let path = String(rest[slash...])
    return path.hasSuffix("/") ? path : path + "/"
  }
}
