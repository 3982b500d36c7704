public import AccreditContent
public import AccreditEngine
public import AccreditMustache
import AccreditMarkdown
import AccreditSupport
import Foundation

/// One output file to make: its path, a key that changes whenever anything it is made from changes, and
/// how to render it. An incremental build renders a job only when its key changed.
public struct OutputJob: Sendable {
  /// The path relative to the output folder.
  public let path: String
  /// A hash of everything the file is made from: its records and notes, the standards, the templates,
  /// the evaluation date and the tool's version.
  public let key: UInt64
  /// The template a page is rendered with, or nil for a file made another way.
  public let template: String?
  private let model: (@Sendable () throws -> TemplateValue)?
  private let templates: TemplateSet?
  private let make: @Sendable () throws -> [UInt8]

  /// A file made by `make`.
  init(path: String, key: UInt64, make: @escaping @Sendable () throws -> [UInt8]) {
    self.path = path
    self.key = key
    self.template = nil
    self.model = nil
    self.make = make
    self.templates = nil
  }

  /// A file rendered with `template` from the value `model` makes.
  init(
    path: String, key: UInt64, template: String, templates: TemplateSet,
    model: @escaping @Sendable () throws -> TemplateValue
  ) {
    self.path = path
    // The templates it is rendered with are part of its key: those alone (`TemplateSet.fingerprint(of:)`).
    self.key = StableHash.combine([key, templates.fingerprint(of: template)])
    self.template = template
    self.model = model
    self.make = { try templates.render(try model(), with: template) }
    self.templates = templates
  }

  /// Renders the file; it throws `TemplateSet.RenderFailure` when a template nests too deep.
  public func render() throws -> [UInt8] { try make() }

  /// The value the template renders, for a file rendered with a template: what its fields are.
  public func templateValue() throws -> TemplateValue? { try model?() }

  /// Renders `value` with the job's template: the template work alone, for benchmarks.
  public func render(_ value: TemplateValue) throws -> [UInt8]? {
    guard let template, let templates else { return nil }
    return try templates.render(value, with: template)
  }
}

/// Renders every output file of the site from the content and its evaluation.
public struct SiteRenderer: Sendable {
  /// The version of the renderer, part of every output's key: a new version re-renders everything.
  public static let version = "accredit \(AccreditVersion.current)"

  /// The version and the running executable's size and modification time: a rebuilt `accredit` (a new
  /// wording, a fixed rule) re-renders everything once, even when nobody changed the version string. With
  /// libcmark's version: the parse cache keeps case notes as its HTML (`Content.notesHTML`).
  public static let buildIdentity: String = {
    let path = Bundle.main.executablePath ?? CommandLine.arguments.first ?? ""
    let attributes = try? FileManager.default.attributesOfItem(atPath: path)
    let size = (attributes?[.size] as? NSNumber)?.int64Value ?? 0
    let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
    return "\(version) \(size) \(modified) cmark \(Markdown.libraryVersion)"
  }()

  /// The content.
  public var content: Content
  /// Every partner's evaluation, by slug.
  public var evaluations: [PartnerEvaluation]
  /// The evaluation date.
  public var asOf: Day
  /// The content folder's name, which sources in `status.json` start with.
  public var contentName: String
  /// The templates.
  public var templates: TemplateSet
  /// The most URLs one sitemap file may list (the sitemap protocol's limit); past it, `sitemap.xml` becomes
  /// a sitemap index of `sitemaps/sitemap-N.xml` files.
  var sitemapLimit = 50_000
  /// How many partners a page of the partner list shows.
  var listPageSize = PartnerList.defaultPageSize
  /// How many status changes a page of the history lists.
  var historyPageSize = HistoryPage.defaultPageSize
  /// Whether pages show the search box of a Pagefind index (`build --search`, which makes the index).
  public var search = false
  /// Each partner's history, as the pages ask for them; the preview server passes the last render's, less
  /// the edited partners'.
  public var histories = PartnerMemo()
  /// The output keys, when the caller made them already (the preview server's record edit, from the last
  /// render's); nil to make them from the content.
  var inputKeys: InputKeys?
  /// The last render's context and the partners whose records changed since, when nothing else did (the
  /// preview server's record edit): the context is made from it (`SiteContext.init(updating:…)`).
  var previousSite: (site: SiteContext, edited: Set<String>)?
  /// The last plan's keys by path, its files other than the partners', and its partners' files (the
  /// preview server's edits): a plan that reuses partners' files then makes its keys from those instead of
  /// from every file again.
  var previousFiles: (keys: [String: UInt64], others: [String], partners: [String: PartnerPlan])?

  /// Creates a renderer.
  public init(
    content: Content, evaluations: [PartnerEvaluation], asOf: Day, contentName: String, templates: TemplateSet
  ) {
    self.content = content
    self.evaluations = evaluations
    self.asOf = asOf
    self.contentName = contentName
    self.templates = templates
  }

  /// Every file of the site, rendered on every core, in a fixed order.
  public func render() throws -> [OutputFile] {
    try jobs().parallelMap { job in Result { OutputFile(path: job.path, bytes: try job.render()) } }
      .map { try $0.get() }
  }

  /// Every file of the site as a job, in a fixed order; nothing is rendered yet.
  public func jobs() -> [OutputJob] { plan().jobs }

  /// A planned file: its path and key.
  struct PlannedFile: Sendable {
    let path: String
    let key: UInt64
  }

  /// A partner's files as planned: their key (that of its pages) and each file.
  struct PartnerPlan: Sendable {
    let key: UInt64
    let files: [PlannedFile]
  }

  /// What `plan` makes: the jobs, every file's key by path, each partner's files, and the keys used.
  struct Plan {
    var jobs: [OutputJob]
    var keys: [String: UInt64]
    var partners: [String: PartnerPlan]
    var inputKeys: InputKeys
    /// The context the jobs make their pages in.
    var site: SiteContext
    /// The paths of the files that are not a partner's (the site-wide pages, the documents, the static files).
    var others: [String]
  }

  /// The site's files planned, in a fixed order. With `reused` (partners' files by slug, from the last plan
  /// of the same content but for the partners left out of it), those partners get no jobs: their files
  /// stand in the sitemap and in `keys` as they were.
  func plan(reusing reused: [String: PartnerPlan] = [:]) -> Plan {
    let site = siteContext()
    let keys = (inputKeys ?? makeKeys()).settled()
    let planner = JobPlanner(site: site, keys: keys, templates: templates, asOf: asOf)
    // Each partner's key and jobs are planned on every core: there are thousands.
    let partners = evaluations.parallelMap { evaluation -> (plan: PartnerPlan, jobs: [OutputJob]) in
      if let known = reused[evaluation.slug] { return (known, []) }
      return planner.partnerPlan(evaluation)
    }
    let bySlug = Dictionary(
      zip(evaluations.map(\.slug), partners.map(\.plan)).map { ($0, $1) }, uniquingKeysWith: { first, _ in first })
    let partnerKeys = bySlug.mapValues(\.key)
    var others = planner.listJobs(partnerKeys: partnerKeys) + planner.documentJobs()
    others += planner.agendaJobs(partnerKeys: partnerKeys)
    // The sitemap lists every page: the files named index.html, by their folder.
    let pages = partners.flatMap { $0.plan.files.map(\.path) } + others.map(\.path)
    let sitemapPages =
      [""]
      + pages.compactMap { path -> String? in
        guard path.hasSuffix("/index.html") else { return nil }
        return String(path.dropLast("index.html".count))
      }
    others += fileJobs(planner)
    let first =
      planner.sitewideJobs(contentName: contentName)
      + sitemapJobs(pages: sitemapPages, key: sitemapKey(pages: sitemapPages, keys: keys), site: site)
    var fileKeys: [String: UInt64]
    if let previous = previousFiles, !reused.isEmpty {
      // The last plan's keys, less its other files and the files of the partners planned again, with theirs
      // now: the same keys as made from every file, without hashing fifteen thousand paths again.
      fileKeys = previous.keys
      for path in previous.others { fileKeys[path] = nil }
      for slug in bySlug.keys where reused[slug] == nil {
        for file in previous.partners[slug]?.files ?? [] { fileKeys[file.path] = nil }
      }
      for (slug, planned) in bySlug where reused[slug] == nil {
        for file in planned.files where fileKeys[file.path] == nil { fileKeys[file.path] = file.key }
      }
    } else {
      fileKeys = Dictionary(
        partners.flatMap { $0.plan.files.map { ($0.path, $0.key) } }, uniquingKeysWith: { first, _ in first })
    }
    for job in first + others { fileKeys[job.path] = job.key }
    return Plan(
      jobs: first + partners.flatMap(\.jobs) + others, keys: fileKeys, partners: bySlug, inputKeys: keys, site: site,
      others: (first + others).map(\.path))
  }

  /// The files of the partners `slugs` alone, planned (their keys and jobs), for an edit that changes
  /// nothing the other files show.
  func plan(partners slugs: Set<String>) -> (
    site: SiteContext, partners: [String: (plan: PartnerPlan, jobs: [OutputJob])]
  ) {
    let site = siteContext()
    let planner = JobPlanner(site: site, keys: inputKeys ?? makeKeys(), templates: templates, asOf: asOf)
    var plans: [String: (plan: PartnerPlan, jobs: [OutputJob])] = [:]
    for slug in slugs {
      guard let evaluation = site.evaluationsBySlug[slug] else { continue }
      plans[slug] = planner.partnerPlan(evaluation)
    }
    return (site, plans)
  }

  /// The context the pages are made in: from the last render's when the caller gives it (`previousSite`).
  private func siteContext() -> SiteContext {
    if let (previous, edited) = previousSite {
      return SiteContext(
        updating: previous, edited: edited, content: content, evaluations: evaluations, histories: histories)
    }
    return SiteContext(
      content: content, evaluations: evaluations, asOf: asOf, search: search, listPageSize: listPageSize,
      historyPageSize: historyPageSize, histories: histories)
  }

  /// The 404 page and the static files.
  private func fileJobs(_ planner: JobPlanner) -> [OutputJob] {
    let site = planner.site
    // The 404 page may be served at any depth, so it links from the site's root path.
    let rootPath = sitePath(content.site.baseURL)
    var jobs = [
      planner.file(.notFound, key: planner.keys.global, template: "not-found") {
        site.frame(
          NotFoundPage(), title: "Page not found", description: "Page not found.", root: rootPath, current: "")
      }
    ]
    for staticFile in templates.staticFiles {
      jobs.append(OutputJob(path: staticFile.path, key: StableHash.of(staticFile.bytes)) { staticFile.bytes })
    }
    return jobs
  }

  /// The output keys of the content.
  func makeKeys() -> InputKeys {
    InputKeys(content: content, asOf: asOf, contentName: contentName + (search ? "\u{0}search" : ""))
  }

  /// The key of the sitemap: the pages it lists (the base URL is in the global key).
  private func sitemapKey(pages: [String], keys: InputKeys) -> UInt64 {
    StableHash.combine([keys.global, UInt64(sitemapLimit)] + pages.map(StableHash.of))
  }

  /// `sitemap.xml`: every page when they fit in one file, else an index of files of `sitemapLimit` pages.
  private func sitemapJobs(pages: [String], key: UInt64, site: SiteContext) -> [OutputJob] {
    let templates = self.templates
    func job(_ route: Route, template: String, _ model: @escaping @Sendable () -> SitemapModel) -> OutputJob {
      OutputJob(path: route.file, key: key, template: template, templates: templates) {
        try TemplateEncoder.encode(model())
      }
    }
    guard pages.count > sitemapLimit else {
      return [job(.sitemap, template: "sitemap") { site.sitemap(paths: pages) }]
    }
    let parts = stride(from: 0, to: pages.count, by: sitemapLimit).map {
      Array(pages[$0..<min($0 + sitemapLimit, pages.count)])
    }
    let index = job(.sitemap, template: "sitemap-index") {
      site.sitemapIndex(files: parts.indices.map { Route.sitemapPart($0 + 1).file })
    }
    return [index]
      + parts.enumerated().map { number, part in
        job(.sitemapPart(number + 1), template: "sitemap") { site.sitemap(paths: part) }
      }
  }

  /// The path part of the base URL, ending in `/`: `https://x.example/status/` → `/status/`.
  private func sitePath(_ baseURL: String) -> String {
    guard let scheme = baseURL.range(of: "://") else { return "/" }
    let rest = baseURL[scheme.upperBound...]
    guard let slash = rest.firstIndex(of: "/") else { return "/" }
    let path = String(rest[slash...])
    return path.hasSuffix("/") ? path : path + "/"
  }
}

/// The jobs of each kind of page, for `SiteRenderer.jobs`: the pages' routes, templates, titles and keys.
struct JobPlanner: Sendable {
  let site: SiteContext
  let keys: InputKeys
  let templates: TemplateSet
  let asOf: Day

  /// A page job: the frame around the model, rendered with `template`.
  func page<Body: Sendable & Encodable>(
    _ route: Route, key: UInt64, template: String, title: String, description: String, current: String = "",
    _ model: @escaping @Sendable () -> Body
  ) -> OutputJob {
    let root = route.root
    let site = self.site
    return OutputJob(path: route.file, key: key, template: template, templates: templates) {
      // The frame's value made directly around the model's (`SiteContext.framed`).
      site.framed(
        try TemplateEncoder.encode(model()), title: title, description: description, root: root, current: current)
    }
  }

  /// A page job keyed by the value its template is given (the frame around the model, made now, while
  /// planning, and hashed: `TemplateValue.stableHash`) with the global key: for a page that shows every
  /// partner but only a few of them, such as the board, so that an edit that changes nothing it shows
  /// (a partner's region) does not render it, while any that changes a row does. The page is rendered
  /// from the value made here. A model the encoder refuses keys the page by everything and is encoded
  /// again when rendered, where the error is reported.
  func pageKeyedByValue<Body: Sendable & Encodable>(
    _ route: Route, template: String, title: String, description: String, current: String = "",
    _ model: @escaping @Sendable () -> Body
  ) -> OutputJob {
    guard let encoded = try? TemplateEncoder.encode(model()) else {
      return page(
        route, key: keys.everything, template: template, title: title, description: description, current: current,
        model)
    }
    let value = site.framed(encoded, title: title, description: description, root: route.root, current: current)
    let key = StableHash.combine([keys.global, StableHash.of(route.file), value.stableHash])
    return OutputJob(path: route.file, key: key, template: template, templates: templates) { value }
  }

  /// A file rendered with `template` from `model`, without the frame.
  func file<Model: Encodable & Sendable>(
    _ route: Route, key: UInt64, template: String, _ model: @escaping @Sendable () -> Model
  ) -> OutputJob {
    OutputJob(path: route.file, key: key, template: template, templates: templates) {
      try TemplateEncoder.encode(model())
    }
  }

  /// A partner's files planned: their key (its record and its cases) and jobs.
  func partnerPlan(_ evaluation: PartnerEvaluation) -> (plan: SiteRenderer.PartnerPlan, jobs: [OutputJob]) {
    let key = keys.partner(
      recordFile: site.partners[evaluation.slug]?.location.file, cases: site.cases[evaluation.slug] ?? [])
    let jobs = partnerJobs(evaluation, key: key)
    return (SiteRenderer.PartnerPlan(key: key, files: jobs.map { .init(path: $0.path, key: $0.key) }), jobs)
  }

  /// A partner's pages, case pages, badge and feed; `key` is its pages' key (its record and its cases).
  func partnerJobs(_ evaluation: PartnerEvaluation, key partnerKey: UInt64) -> [OutputJob] {
    let site = self.site
    var jobs: [OutputJob] = []
    let slug = evaluation.slug
    let recordFile = site.partners[slug]?.location.file
    if site.partners[slug] != nil {
      jobs.append(
        page(
          .partner(slug: slug), key: partnerKey, template: "partner", title: evaluation.name,
          description: "Accreditation status of \(evaluation.name) as of \(asOf.display)."
        ) { site.partnerPage(evaluation) })
    }
    jobs.append(
      page(
        .marks(partner: slug), key: partnerKey, template: "marks", title: "Marks on record · \(evaluation.name)",
        description: "Marks on record for \(evaluation.name)."
      ) { site.marksPage(evaluation) })
    for escalation in site.cases[slug] ?? [] where site.exists(escalation) {
      jobs.append(
        page(
          .escalation(partner: slug, id: escalation.id), key: keys.escalation(escalation, recordFile: recordFile),
          template: "case", title: "Case \(escalation.id) · \(evaluation.name)",
          description: "Escalation case \(escalation.id) concerning \(evaluation.name)."
        ) { site.casePage(escalation, partnerName: evaluation.name) })
    }
    jobs.append(file(.badge(partner: slug), key: partnerKey, template: "badge") { site.badge(for: evaluation) })
    jobs.append(file(.partnerFeed(partner: slug), key: partnerKey, template: "feed") { site.partnerFeed(evaluation) })
    return jobs
  }

  /// The partner list beyond its first page (on the overview), the history pages, and the list's index
  /// for the browser's filters. The history pages and the index show every partner: their key is
  /// everything's. A list page shows its partners' rows (each made from the partner's record and cases,
  /// the standards and the date: the partner's key, `partnerKeys` by slug), where it stands among the
  /// pages, and the tiers in use: its key is those, so that an edit renders the pages its partner is on or
  /// moved across, not every page.
  func listJobs(partnerKeys: [String: UInt64]) -> [OutputJob] {
    let site = self.site
    var jobs: [OutputJob] = []
    let pageCount = site.partnerPageCount
    if pageCount > 1 {
      let ordered = site.listedPartners
      let tiers = Set(site.evaluations.compactMap(\.tier)).sorted().map(StableHash.of)
      let common = [keys.global, UInt64(pageCount), UInt64(ordered.count), UInt64(site.listPageSize)] + tiers
      for number in 2...pageCount {
        let start = min((number - 1) * site.listPageSize, ordered.count)
        let slice = ordered[start..<min(start + site.listPageSize, ordered.count)]
        let key = StableHash.combine(
          common + [UInt64(number)]
            + slice.flatMap { [StableHash.of($0.slug), partnerKeys[$0.slug] ?? 0] })
        jobs.append(
          page(
            .partnerListPage(number), key: key, template: "partners",
            title: "Partners, page \(number) of \(pageCount)",
            description: "Page \(number) of the list of partners as of \(asOf.display)."
          ) { site.partnerListPage(number) })
      }
    }
    let historyPages = site.historyPageCount
    for number in 1...historyPages {
      jobs.append(
        page(
          .history(page: number), key: keys.everything, template: "history",
          title: number == 1 ? "Status over time" : "Status changes, page \(number) of \(historyPages)",
          description: number == 1
            ? "Accreditations and partners by status, month by month, and the status changes of the last "
              + "\(HistoryPage.recentDays) days, as of \(asOf.display)."
            : "Page \(number) of the status changes of the last \(HistoryPage.recentDays) days.",
          current: number == 1 ? "history" : ""
        ) { site.historyPage(number) })
    }
    jobs.append(
      OutputJob(path: Route.partnerIndex.file, key: keys.everything) {
        PartnerIndex.bytes(site: site, ordered: site.listedPartners, memo: site.histories)
      })
    return jobs
  }

  /// The FAQ, the free pages and the standards.
  func documentJobs() -> [OutputJob] {
    let site = self.site
    var jobs = [
      page(
        .faq, key: keys.faq, template: "faq", title: "Frequently asked questions",
        description: "Answers to what partners ask about the accreditation standards.", current: "faq"
      ) { site.faqPage() }
    ]
    for item in site.content.pages {
      jobs.append(
        page(
          .page(slug: item.slug), key: keys.global, template: "page", title: item.title, description: item.title,
          current: "page-\(item.slug)"
        ) { site.freePage(item) })
    }
    jobs.append(
      page(
        .standards, key: keys.global, template: "standards", title: "The standards",
        description: "The program's accreditation standards: tiers, certifications and thresholds.",
        current: "standards"
      ) { site.standardsPage() })
    return jobs
  }

  /// The review board's agenda, what needs doing, and the PDMs' portfolios. A PDM's page shows its partners
  /// alone (their statuses, their dated items, their open cases): its key is theirs (`partnerKeys`, by
  /// slug) with its name and folder, so that a record edit renders its PDM's page and not the hundreds of
  /// others.
  func agendaJobs(partnerKeys: [String: UInt64]) -> [OutputJob] {
    let site = self.site
    var jobs = [
      pageKeyedByValue(
        .board, template: "board", title: "Review board agenda",
        description: "The review board's agenda as of \(asOf.display).", current: "board"
      ) { site.boardPage() }
    ]
    let actionPages = site.actionsPageCount
    let below = site.evaluations.count { !$0.isTierEligible && !$0.accreditations.isEmpty }
    for number in 1...actionPages {
      jobs.append(
        page(
          .actions(page: number), key: actionsKey(page: number, partnerKeys: partnerKeys, below: below),
          template: "actions",
          title: number == 1 ? "What needs doing" : "What needs doing, page \(number) of \(actionPages)",
          description: "Every dated item of the next \(ActionsPage.days) days as of \(asOf.display).",
          current: number == 1 ? "actions" : ""
        ) { site.actionsPage(number) })
    }
    let portfolios = site.portfolios
    jobs.append(
      pageKeyedByValue(
        .pdms, template: "pdms", title: "Portfolios of the PDMs",
        description: "Every partner development manager's partners as of \(asOf.display).", current: "pdms"
      ) { site.pdmIndexPage(portfolios) })
    for portfolio in portfolios {
      let key = StableHash.combine(
        [keys.global, StableHash.of(portfolio.name), StableHash.of(portfolio.slug)]
          + portfolio.partners.map { StableHash.combine([StableHash.of($0), partnerKeys[$0] ?? 0]) })
      let pages = portfolio.pageCount
      for number in 1...pages {
        jobs.append(
          page(
            .pdm(portfolio, page: number), key: key, template: "pdm",
            title: number == 1 ? portfolio.heading : "\(portfolio.heading), page \(number) of \(pages)",
            description: "The partners of \(portfolio.name) as of \(asOf.display)."
          ) { site.pdmPage(portfolio, page: number) })
      }
      jobs.append(file(.pdmFeed(slug: portfolio.slug), key: key, template: "feed") { site.pdmFeed(portfolio) })
    }
    return jobs
  }

  /// The key of page `number` of `actions/`: its items (each its date, kind, partner and subject, or its
  /// case, its data and the day its stage began) with their partners' keys (`partnerKeys`, by slug: a row is made
  /// from the partner's record, its cases, the standards and the date), where it stands among the pages,
  /// and the number of partners below the eligible tiers (`below`: a tier review's row counts them).
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
  /// the end.
  func sitewideJobs(contentName: String) -> [OutputJob] {
    let site = self.site
    let asOf = self.asOf
    let evaluations = site.evaluations
    return [
      // Evaluates every partner on each day that changed something: the longest of these jobs.
      OutputJob(path: Route.historyJSON.file, key: keys.everything) {
        HistoryJSON.bytes(
          histories: site.programHistories, asOf: asOf, memo: site.histories, months: site.programMonths)
      },
      page(
        .home, key: keys.everything, template: "home", title: "Overview",
        description: "Accreditation status of every partner as of \(asOf.display).", current: "home"
      ) { site.homePage() },
      file(.feed, key: keys.everything, template: "feed") { site.feed() },
      OutputJob(path: Route.statusJSON.file, key: keys.everything) {
        StatusDocument.bytes(evaluations: evaluations, asOf: asOf, contentName: contentName, memo: site.histories)
      },
      OutputJob(path: Route.accreditationsCSV.file, key: keys.everything) {
        AccreditationsCSV.bytes(evaluations: evaluations, partners: site.partners, memo: site.histories)
      },
    ]
  }
}

/// The keys of the outputs: which inputs each kind of page is made from, by what the page shows.
///
/// Every page shows the site's title, navigation (the free pages) and the date, and uses the standards:
/// those make the global key; a file rendered with a template adds the templates it uses (`OutputJob`). A case counts by its data (`caseData`): everything but
/// its notes, which only its own page shows, so that editing a note renders that page alone. A partner's
/// pages (its status history and its feed among them) add its record and its cases' data; a case page adds
/// its whole file and the partner's record; the overview, the history pages, the feed and the JSON files
/// add every record and every case's data (`everything`), but not the FAQ, which none of them shows. The
/// board and the PDMs' index are keyed by the value their template is given, made while planning
/// (`JobPlanner.pageKeyedByValue`). A PDM's page adds its partners' records and cases' data alone
/// (`JobPlanner.agendaJobs`); a page of the partner list or of `actions/` its rows' partners' keys and its
/// place among the pages (`JobPlanner.listJobs`, `actionsKey`); the sitemap the pages it lists.
struct InputKeys: Sendable {
  let global: UInt64
  /// The key of what shows every record and every case's data; nil while a record edit left it to be made
  /// again (`settled`).
  private var everythingValue: UInt64?
  /// The key of what shows every record and every case's data.
  var everything: UInt64 { everythingValue ?? everythingKey() }
  let faq: UInt64
  private var hashes: [String: UInt64]
  /// Each case's data by its file: the hash of what its notes are not.
  private var caseData: [String: UInt64]
  /// The records' paths, sorted, and the cases' part of `everything` (each case file's path and data, in
  /// the order of `casePaths`): kept so that `replacing` makes `everything` again without a pass over
  /// every file.
  private let records: [String]
  private let casePaths: [String]
  private var cases: [UInt64]

  init(content: Content, asOf: Day, contentName: String) {
    hashes = content.inputHashes
    // On every core: ten thousand cases are a tenth of a rebuild's planning.
    let caseData = Dictionary(
      content.cases.parallelMap { ($0.location.file, InputKeys.data(of: $0)) }, uniquingKeysWith: { first, _ in first })
    self.caseData = caseData
    let hashes = content.inputHashes
    // A file counts by its path and its bytes: renaming a case changes the pages that link to it.
    let paths = hashes.keys.sorted()
    func files(_ prefix: String) -> [UInt64] {
      paths.filter { $0.hasPrefix(prefix) }.flatMap { path -> [UInt64] in [StableHash.of(path), hashes[path] ?? 0] }
    }
    global = StableHash.combine(
      [
        StableHash.of(SiteRenderer.buildIdentity), StableHash.of(asOf.iso), StableHash.of(contentName),
        hashes["site.yaml"] ?? 0, hashes["standards.yaml"] ?? 0,
      ] + files("pages/"))
    // Case files that did not parse have no data: their bytes count instead (a build with them fails).
    casePaths = paths.filter { $0.hasPrefix("cases/") }
    cases = casePaths.flatMap { path -> [UInt64] in [StableHash.of(path), caseData[path] ?? hashes[path] ?? 0] }
    records = paths.filter { $0.hasPrefix("partners/") }
    faq = StableHash.combine([global] + files("faq/"))
    everythingValue = everythingKey()
  }

  /// The keys with `everything` made, after a record edit left it to be made again: what a plan of the
  /// pages that show every partner starts from (an edit that plans only the partner's own pages never
  /// makes it, a pass over every file).
  func settled() -> InputKeys {
    guard everythingValue == nil else { return self }
    var keys = self
    keys.everythingValue = everythingKey()
    return keys
  }

  private func everythingKey() -> UInt64 {
    StableHash.combine([global] + records.flatMap { [StableHash.of($0), hashes[$0] ?? 0] } + cases)
  }

  /// The keys after the file at `path` changed to bytes hashing to `hash`, when that file is a record or a
  /// case whose data is as it was (its notes alone changed): what an incremental edit plans with, without
  /// hashing every case again.
  func replacing(_ path: String, hash: UInt64) -> InputKeys {
    var keys = self
    keys.hashes[path] = hash
    if path.hasPrefix("partners/") { keys.everythingValue = nil }
    return keys
  }

  /// The keys after the case file at `path` (one the keys were made with) changed to bytes hashing to
  /// `hash` and data `data` (`data(of:)`): its front matter may have changed, so `everything` is made
  /// again when asked. Nil when the keys hold no case file at `path`.
  func replacingCase(_ path: String, hash: UInt64, data: UInt64) -> InputKeys? {
    var low = 0
    var high = casePaths.count
    while low < high {
      let middle = (low + high) / 2
      if casePaths[middle] < path { low = middle + 1 } else { high = middle }
    }
    guard low < casePaths.count, casePaths[low] == path else { return nil }
    var keys = self
    keys.hashes[path] = hash
    keys.caseData[path] = data
    keys.cases[2 * low + 1] = data
    keys.everythingValue = nil
    return keys
  }

  /// `escalation`'s data (`data(of:)`) as the keys have it, made now for a case they do not hold: no
  /// encoding of each open case for every plan.
  func data(ofCase escalation: EscalationCase) -> UInt64 {
    caseData[escalation.location.file] ?? Self.data(of: escalation)
  }

  /// A case's data: every field but the notes, with the positions that reasons and evidence links cite
  /// (`EscalationCase.dataHash`, taken from the parse cache's encoding of the case).
  static func data(of escalation: EscalationCase) -> UInt64 { escalation.dataHash }

  /// The key of a partner's pages: its record (`recordFile`, nil for cases without one) and its cases.
  func partner(recordFile: String?, cases: [EscalationCase]) -> UInt64 {
    let record = recordFile.flatMap { hashes[$0] } ?? 0
    let caseFiles = cases.flatMap { escalation -> [UInt64] in
      [StableHash.of(escalation.location.file), caseData[escalation.location.file] ?? 0]
    }
    return StableHash.combine([global, record] + caseFiles)
  }

  /// The key of a case page: the case's file and its partner's record.
  func escalation(_ escalation: EscalationCase, recordFile: String?) -> UInt64 {
    let record = recordFile.flatMap { hashes[$0] } ?? 0
    let file = escalation.location.file
    return StableHash.combine([global, record, StableHash.of(file), hashes[file] ?? 0])
  }
}

/// The tool's version: what `accredit --version` prints, and part of every output's key.
public enum AccreditVersion {
  /// The version string.
  public static let current = "0.3.0"
}
