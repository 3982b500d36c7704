import AccreditContent
import AccreditEngine
import AccreditMustache
import AccreditSupport

/// The jobs of each kind of file, for `SiteRenderer.jobs`: which items each row of `PageTable` has (a
/// partner's cases, the pages of a list, the PDMs' portfolios), and the keys made once for many files.
struct JobPlanner: Sendable {
  let site: SiteContext
  let keys: InputKeys
  let templates: TemplateSet
  let asOf: Day

  /// The job of `spec`'s file for `item`, keyed by the row's rule.
  func job<Item>(_ spec: PageSpec<Item>, _ item: Item) -> OutputJob {
    let route = spec.route(item)
    let site = self.site
    switch spec.making {
    case .page(let template, let frame, let model):
      return OutputJob(path: route.file, key: key(spec, item), template: template, templates: templates) {
        Self.framed(try model(site, item), frame(site, item), route: route, site: site)
      }
    case .file(let template, let model):
      return OutputJob(path: route.file, key: key(spec, item), template: template, templates: templates) {
        try model(site, item)
      }
    case .bytes(let bytes):
      return OutputJob(path: route.file, key: key(spec, item)) { bytes(site, item) }
    }
  }

  /// The key of `spec`'s file for `item` by the row's rule.
  private func key<Item>(_ spec: PageSpec<Item>, _ item: Item) -> UInt64 {
    spec.key.make(self, item)
  }

  /// The frame's value made directly around the body's (`SiteContext.framed`).
  private static func framed(_ body: TemplateValue, _ frame: Frame, route: Route, site: SiteContext) -> TemplateValue {
    site.framed(
      body, title: frame.title, description: frame.description, root: frame.root ?? route.root, current: frame.current)
  }

  /// A partner's files planned: their key (its record and its cases) and jobs.
  func partnerPlan(_ evaluation: PartnerEvaluation) -> (plan: SiteRenderer.PartnerPlan, jobs: [OutputJob]) {
    let key = keys.partner(
      recordFile: site.partners[evaluation.slug]?.location.file, cases: site.cases[evaluation.slug] ?? [])
    let jobs = partnerJobs(evaluation, key: key)
    return (SiteRenderer.PartnerPlan(key: key, files: jobs.map { .init(path: $0.path, key: $0.key) }), jobs)
  }

  /// A partner's page (when it has a record), marks page, case pages, badge and feed; `key` is its pages'
  /// key (its record and its cases).
  func partnerJobs(_ evaluation: PartnerEvaluation, key: UInt64) -> [OutputJob] {
    let slug = evaluation.slug
    let partner = PartnerItem(evaluation: evaluation, key: key)
    var jobs = site.partners[slug] == nil ? [] : [job(PageTable.partner, partner)]
    jobs.append(job(PageTable.marks, partner))
    let recordFile = site.partners[slug]?.location.file
    for escalation in site.cases[slug] ?? [] where site.exists(escalation) {
      jobs.append(
        job(PageTable.escalation, CaseItem(escalation: escalation, evaluation: evaluation, recordFile: recordFile)))
    }
    jobs.append(job(PageTable.badge, partner))
    jobs.append(job(PageTable.partnerFeed, partner))
    return jobs
  }

  /// The partner list beyond its first page (on the overview), the history pages, and the list's index
  /// for the browser's filters. A list page is keyed by its rows' partners' keys (`partnerKeys`, by slug)
  /// and where it stands among the pages (`KeyRule.listPage`), so that an edit renders the pages its
  /// partner is on or moved across, not every page.
  func listJobs(partnerKeys: [String: UInt64]) -> [OutputJob] {
    var jobs: [OutputJob] = []
    if site.partnerPageCount > 1 {
      let common = listKeyParts()
      for number in 2...site.partnerPageCount {
        jobs.append(job(PageTable.partnerList, ListPageItem(number: number, common: common) { partnerKeys[$0] }))
      }
    }
    for number in 1...site.historyPageCount { jobs.append(job(PageTable.history, number)) }
    jobs.append(job(PageTable.partnerIndex, ()))
    return jobs
  }

  /// What every page of the partner list beyond the first is keyed by: the global key, the number of
  /// pages and partners, the page size and the tiers in use.
  func listKeyParts() -> [UInt64] {
    let tiers = Set(site.evaluations.compactMap(\.tier)).sorted().map(StableHash.of)
    return [keys.global, UInt64(site.partnerPageCount), UInt64(site.evaluations.count), UInt64(site.listPageSize)]
      + tiers
  }

  /// The key of a page of the partner list (`KeyRule.listPage`): what every list page is keyed by, its
  /// number and its rows' partners with their keys.
  func listPageKey(_ item: ListPageItem) -> UInt64 {
    let ordered = site.listedPartners
    let start = min((item.number - 1) * site.listPageSize, ordered.count)
    let slice = ordered[start..<min(start + site.listPageSize, ordered.count)]
    return StableHash.combine(
      item.common + [UInt64(item.number)] + slice.flatMap { [StableHash.of($0.slug), item.partnerKey($0.slug) ?? 0] })
  }

  /// The files that show the records of the partners `slugs` beside every other partner's, for an edit of
  /// their records that no evaluation, order or calendar reads (a region: `Partner.reach(from:)`): the
  /// partner list's pages they are on (the overview for the first), `api/partners.json` and
  /// `api/accreditations.csv`. `partnerKey` gives a partner's key by slug.
  func listedJobs(showing slugs: Set<String>, partnerKey: @escaping @Sendable (String) -> UInt64?) -> [OutputJob] {
    let ordered = site.listedPartners
    let numbers = Set(
      ordered.indices.filter { slugs.contains(ordered[$0].slug) }.map { $0 / site.listPageSize + 1 })
    let common = listKeyParts()
    var jobs = [job(PageTable.partnerIndex, ()), job(PageTable.accreditationsCSV, ())]
    for number in numbers.sorted() {
      jobs.append(
        number == 1
          ? job(PageTable.home, ())
          : job(PageTable.partnerList, ListPageItem(number: number, common: common, partnerKey: partnerKey)))
    }
    return jobs
  }

  /// The FAQ, the free pages and the standards.
  func documentJobs() -> [OutputJob] {
    [job(PageTable.faq, ())] + site.content.pages.map { job(PageTable.freePage, $0) }
      + [job(PageTable.standards, ())]
  }

  /// The review board's agenda, what needs doing, and the PDMs' portfolios. A PDM's page shows its partners
  /// alone (their statuses, their dated items, their open cases): its key is theirs (`partnerKeys`, by
  /// slug) with its name and folder, so that a record edit renders its PDM's page and not the hundreds of
  /// others.
  func agendaJobs(partnerKeys: [String: UInt64]) -> [OutputJob] {
    var jobs = [job(PageTable.board, ())]
    let below = site.evaluations.count { !$0.isTierEligible && !$0.accreditations.isEmpty }
    for number in 1...site.actionsPageCount {
      jobs.append(job(PageTable.actions, ActionsPageItem(number: number, partnerKeys: partnerKeys, below: below)))
    }
    let portfolios = site.portfolios
    jobs.append(job(PageTable.pdms, portfolios))
    for portfolio in portfolios {
      let key = StableHash.combine(
        [keys.global, StableHash.of(portfolio.name), StableHash.of(portfolio.slug)]
          + portfolio.partners.map { StableHash.combine([StableHash.of($0), partnerKeys[$0] ?? 0]) })
      for number in 1...portfolio.pageCount {
        jobs.append(job(PageTable.pdm, PortfolioItem(portfolio: portfolio, number: number, key: key)))
      }
      jobs.append(job(PageTable.pdmFeed, PortfolioItem(portfolio: portfolio, key: key)))
    }
    return jobs
  }

  /// The key of page `number` of `actions/` (`KeyRule.actionsPage`): its items (each its date, kind,
  /// partner and subject, or its case, its data and the day its stage began) with their partners' keys
  /// (`partnerKeys`, by slug: a row is made from the partner's record, its cases, the standards and the
  /// date), where it stands among the pages, and the number of partners below the eligible tiers (`below`:
  /// a tier review's row counts them).
  func actionsKey(page number: Int, partnerKeys: [String: UInt64], below: Int) -> UInt64 {
    let items = site.actionItems
    let start = min((number - 1) * ActionsPage.pageSize, items.count)
    var parts = [keys.global, UInt64(number), UInt64(site.actionsPageCount), UInt64(items.count), UInt64(below)]
    for item in items[start..<min(start + ActionsPage.pageSize, items.count)] {
      switch item {
      case .event(let event):
        parts.append(
          StableHash.of(
            "\(event.date.iso) \(event.kind.rawValue) \(event.partner ?? "") \(event.subject ?? "")"))
        parts.append(event.partner.flatMap { partnerKeys[$0] } ?? 0)
      case .openCase(let escalation, let since, let day):
        parts.append(StableHash.of("\(escalation.location.file) \(since.iso) \(day.iso)"))
        parts.append(keys.data(ofCase: escalation))
        parts.append(partnerKeys[escalation.partnerSlug] ?? 0)
      }
    }
    return StableHash.combine(parts)
  }

  /// The files that show every partner, which take longest: started first, they do not finish alone at
  /// the end. `api/history.json` evaluates every partner on each day that changed something: the longest.
  func sitewideJobs(contentName: String) -> [OutputJob] {
    [
      job(PageTable.historyJSON, ()), job(PageTable.home, ()), job(PageTable.feed, ()),
      job(PageTable.statusJSON, contentName), job(PageTable.accreditationsCSV, ()),
    ]
  }
}
