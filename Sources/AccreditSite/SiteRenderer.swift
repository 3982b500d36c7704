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

  /// A file planned by an earlier build and kept as it is: its job cannot render (`NotPlanned`), so that
  /// the writer keeps it only when the output folder's manifest has it under `key` and it is there.
  init(kept path: String, key: UInt64) {
    self.init(path: path, key: key) { throw NotPlanned(path: path) }
  }

  /// A kept file (`init(kept:key:)`) had to be rendered: the folder does not hold it as planned.
  struct NotPlanned: Error {
    let path: String
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
  /// Each partner's memo key and plan key (`memoKeys`), when the caller made them already, with `inputKeys`.
  var madeMemoKeys: (memo: [String: UInt64], plan: [String: UInt64])?
  /// The last render's context and the partners whose records changed since, when nothing else did (the
  /// preview server's record edit): the context is made from it (`SiteContext.init(updating:…)`).
  var previousSite: (site: SiteContext, edited: Set<String>, keepingOrder: Bool)?
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
  struct PlannedFile: Sendable, Equatable {
    let path: String
    let key: UInt64
  }

  /// A partner's files as planned: their key (that of its pages) and each file.
  struct PartnerPlan: Sendable, Equatable {
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
  /// of the same content but for the partners left out of it), those partners get no jobs (with `keeping`,
  /// a kept file's job for each of their files, `OutputJob.init(kept:key:)`): their files stand in the
  /// sitemap and in `keys` as they were.
  func plan(reusing reused: [String: PartnerPlan] = [:], keeping: Bool = false) -> Plan {
    let site = siteContext()
    let keys = (inputKeys ?? makeKeys()).settled()
    let planner = JobPlanner(site: site, keys: keys, templates: templates, asOf: asOf)
    // Each partner's key and jobs are planned on every core: there are thousands.
    let partners = evaluations.parallelMap { evaluation -> (plan: PartnerPlan, jobs: [OutputJob]) in
      if let known = reused[evaluation.slug] {
        return (known, keeping ? known.files.map { OutputJob(kept: $0.path, key: $0.key) } : [])
      }
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
      + sitemapJobs(pages: sitemapPages, key: sitemapKey(pages: sitemapPages, keys: keys), planner: planner)
    var fileKeys: [String: UInt64]
    if let previous = previousFiles, !reused.isEmpty {
      // The last plan's keys, less its other files and the files of the partners planned again, with theirs
      // now: the same keys as made from every file, without hashing fifteen thousand paths again.
      fileKeys = previous.keys
      for path in previous.others { fileKeys[path] = nil }
      // The partners planned again, and those no longer there.
      for (slug, planned) in previous.partners where reused[slug] == nil {
        for file in planned.files { fileKeys[file.path] = nil }
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
  /// nothing the other files show; with `listedAmong` (the other partners' plans, by slug), also the files
  /// that show their records beside every other partner's (`JobPlanner.listedJobs`), for an edit of what
  /// those show and no evaluation reads (a region), with the keys they were planned with.
  func plan(partners slugs: Set<String>, listedAmong known: [String: PartnerPlan]? = nil) -> (
    site: SiteContext, partners: [String: (plan: PartnerPlan, jobs: [OutputJob])], listed: [OutputJob],
    keys: InputKeys
  ) {
    let site = siteContext()
    let keys = known == nil ? inputKeys ?? makeKeys() : (inputKeys ?? makeKeys()).settled()
    let planner = JobPlanner(site: site, keys: keys, templates: templates, asOf: asOf)
    var plans: [String: (plan: PartnerPlan, jobs: [OutputJob])] = [:]
    for slug in slugs {
      guard let evaluation = site.evaluationsBySlug[slug] else { continue }
      plans[slug] = planner.partnerPlan(evaluation)
    }
    guard let known else { return (site, plans, [], keys) }
    let planned = plans
    let listed = planner.listedJobs(showing: slugs) { planned[$0]?.plan.key ?? known[$0]?.key }
    return (site, plans, listed, keys)
  }

  /// The context the pages are made in: from the last render's when the caller gives it (`previousSite`).
  private func siteContext() -> SiteContext {
    if let (previous, edited, keepingOrder) = previousSite {
      return SiteContext(
        updating: previous, edited: edited, content: content, evaluations: evaluations, histories: histories,
        keepingOrder: keepingOrder)
    }
    return SiteContext(
      content: content, evaluations: evaluations, asOf: asOf, search: search, listPageSize: listPageSize,
      historyPageSize: historyPageSize, histories: histories)
  }

  /// The 404 page and the static files.
  private func fileJobs(_ planner: JobPlanner) -> [OutputJob] {
    [planner.job(PageTable.notFound, ())]
      + templates.staticFiles.map { staticFile in
        OutputJob(path: staticFile.path, key: StableHash.of(staticFile.bytes)) { staticFile.bytes }
      }
  }

  /// The output keys of the content.
  func makeKeys() -> InputKeys {
    Self.keys(of: content, asOf: asOf, contentName: contentName, search: search)
  }

  /// The output keys of `content` as a renderer of it with these arguments makes them (`makeKeys`), before
  /// its evaluations are made.
  static func keys(of content: Content, asOf: Day, contentName: String, search: Bool) -> InputKeys {
    InputKeys(content: content, asOf: asOf, contentName: contentName + (search ? "\u{0}search" : ""))
  }

  /// The key of the sitemap: the pages it lists (the base URL is in the global key).
  private func sitemapKey(pages: [String], keys: InputKeys) -> UInt64 {
    StableHash.combine([keys.global, UInt64(sitemapLimit)] + pages.map(StableHash.of))
  }

  /// `sitemap.xml`: every page when they fit in one file, else an index of files of `sitemapLimit` pages.
  private func sitemapJobs(pages: [String], key: UInt64, planner: JobPlanner) -> [OutputJob] {
    guard pages.count > sitemapLimit else {
      return [planner.job(PageTable.sitemap, SitemapItem(paths: pages, key: key))]
    }
    let parts = stride(from: 0, to: pages.count, by: sitemapLimit).map {
      Array(pages[$0..<min($0 + sitemapLimit, pages.count)])
    }
    let files = parts.indices.map { Route.sitemapPart($0 + 1).file }
    return [planner.job(PageTable.sitemapIndex, SitemapItem(paths: files, key: key))]
      + parts.enumerated().map { number, part in
        planner.job(PageTable.sitemap, SitemapItem(number: number + 1, paths: part, key: key))
      }
  }
}

/// The keys of the outputs: which inputs each kind of page is made from, by what the page shows.
///
/// Every page shows the site's title, navigation (the free pages' slugs and titles, `navigation`) and the
/// date, and uses the standards: those make the global key; a file rendered with a template adds the
/// templates it uses (`OutputJob`); a free page adds its own file (`page(_:)`), the FAQ page the FAQ's
/// files, which no other page shows. A case counts by its data (`caseData`): everything but
/// its notes, which only its own page shows, so that editing a note renders that page alone. A partner's
/// pages (its status history and its feed among them) add its record and its cases' data; a case page adds
/// its whole file and the partner's record; the overview and the files that list every record
/// (`api/partners.json`, `api/accreditations.csv`) add every record and every case's data (`everything`);
/// the files made from every evaluation alone (the history pages, the feed, the board's agenda,
/// `api/status.json`, `api/history.json`) add every record but for what no evaluation reads (its region,
/// website and PDM: `evaluated`) and every case's data; none of them the FAQ, which none of them shows.
/// The PDMs' index adds who each PDM's partners are (`KeyRule.portfolios`). A PDM's page adds its
/// partners' records and cases' data alone
/// (`KeyRule.portfolio`); a page of the partner list or of `actions/` its rows' partners' keys and its
/// place among the pages (`KeyRule.listPage`, `KeyRule.actionsPage`); the sitemap the pages it lists. Each
/// kind of file's rule is its row's in `PageTable`.
struct InputKeys: Sendable {
  let global: UInt64
  /// The key of what shows every record and every case's data; nil while a record edit left it to be made
  /// again (`settled`).
  private var everythingValue: UInt64?
  /// The key of what shows every record and every case's data.
  var everything: UInt64 { everythingValue ?? everythingKey() }
  /// The key of what shows every partner's evaluation and history but none of their regions, websites or
  /// PDMs; nil while an edit left it to be made again (`settled`).
  private var evaluatedValue: UInt64?
  /// The key of what shows every partner's evaluation and history: every record but for its region,
  /// website and PDM (`Partner.evaluatedHash`), and every case's data.
  var evaluated: UInt64 { evaluatedValue ?? evaluatedKey() }
  private(set) var faq: UInt64
  /// What every page's navigation shows of the free pages: their slugs and titles, in order (a free page's
  /// body is its own page's alone, `page(_:)`).
  let navigation: UInt64
  private var hashes: [String: UInt64]
  /// Each case's data by its file: the hash of what its notes are not.
  private var caseData: [String: UInt64]
  /// Each record's `Partner.evaluatedHash` by its file; a record not here (one that did not parse, or was
  /// replaced without its partner) counts by its bytes.
  private var recordData: [String: UInt64]
  /// The records' paths, sorted, and the cases' part of `everything` (each case file's path and data, in
  /// the order of `casePaths`): kept so that `replacing` makes `everything` again without a pass over
  /// every file.
  private var records: [String]
  private var casePaths: [String]
  private var cases: [UInt64]

  init(content: Content, asOf: Day, contentName: String) {
    hashes = content.inputHashes
    // On every core: ten thousand cases are a tenth of a rebuild's planning.
    // Taken from the parse cache's when the loader gave them (`Content.caseDataHashes`).
    // Every case's, when the loader's are as many as the cases (forgotten when a case changes): made
    // again, the table was a twentieth of a record edit at 10,000 partners.
    let known = content.caseDataHashes
    let caseData =
      known.count == content.cases.count
      ? known
      : Dictionary(
        content.cases.parallelMap { ($0.location.file, known[$0.location.file] ?? InputKeys.data(of: $0)) },
        uniquingKeysWith: { first, _ in first })
    self.caseData = caseData
    let knownRecords = content.recordDataHashes
    recordData =
      knownRecords.count == content.partners.count
      ? knownRecords
      : Dictionary(
        content.partners.parallelMap { ($0.location.file, knownRecords[$0.location.file] ?? $0.evaluatedHash) },
        uniquingKeysWith: { first, _ in first })
    let hashes = content.inputHashes
    // A file counts by its path and its bytes: renaming a case changes the pages that link to it.
    let paths = content.inputPaths.count == hashes.count ? content.inputPaths : hashes.keys.sorted()
    func files(_ prefix: String) -> [UInt64] {
      paths.filter { $0.hasPrefix(prefix) }.flatMap { path -> [UInt64] in [StableHash.of(path), hashes[path] ?? 0] }
    }
    navigation = Self.navigation(content.pages)
    global = StableHash.combine([
      StableHash.of(SiteRenderer.buildIdentity), StableHash.of(asOf.iso), StableHash.of(contentName),
      hashes["site.yaml"] ?? 0, hashes["standards.yaml"] ?? 0, navigation,
    ])
    // Case files that did not parse have no data: their bytes count instead (a build with them fails).
    casePaths = paths.filter { $0.hasPrefix("cases/") }
    cases = casePaths.parallelMap { path in (StableHash.of(path), caseData[path] ?? hashes[path] ?? 0) }
      .flatMap { [$0.0, $0.1] }
    records = paths.filter { $0.hasPrefix("partners/") }
    faq = StableHash.combine([global] + files("faq/"))
    everythingValue = everythingKey()
    evaluatedValue = evaluatedKey()
  }

  /// The hash of the navigation of the free pages `pages`, in their order.
  static func navigation(_ pages: [Page]) -> UInt64 {
    StableHash.combine(pages.flatMap { [StableHash.of($0.slug), StableHash.of($0.title)] })
  }

  /// The key of the free page in the file at `path`: the global key (with the navigation) and its file.
  func page(_ path: String) -> UInt64 {
    StableHash.combine([global, StableHash.of(path), hashes[path] ?? 0])
  }

  /// The keys after the FAQ entries or free pages at `paths` changed to bytes hashing as `content` has them
  /// now, when the navigation did not change (`navigation(content.pages)` equal to `navigation`): the FAQ's
  /// key made again, the free pages' own keys from their new hashes.
  func replacingDocuments(_ paths: [String], content: Content) -> InputKeys {
    var keys = self
    for path in paths { keys.hashes[path] = content.inputHashes[path] }
    let faqPaths = keys.hashes.keys.filter { $0.hasPrefix("faq/") }.sorted()
    keys.faq = StableHash.combine(
      [global] + faqPaths.flatMap { path -> [UInt64] in [StableHash.of(path), keys.hashes[path] ?? 0] })
    return keys
  }

  /// The keys with `everything` made, after a record edit left it to be made again: what a plan of the
  /// pages that show every partner starts from (an edit that plans only the partner's own pages never
  /// makes it, a pass over every file).
  func settled() -> InputKeys {
    guard everythingValue == nil || evaluatedValue == nil else { return self }
    var keys = self
    keys.everythingValue = everythingValue ?? everythingKey()
    keys.evaluatedValue = evaluatedValue ?? evaluatedKey()
    return keys
  }

  private func everythingKey() -> UInt64 {
    StableHash.combine([global] + records.flatMap { [StableHash.of($0), hashes[$0] ?? 0] } + cases)
  }

  private func evaluatedKey() -> UInt64 {
    StableHash.combine(
      [global, StableHash.of("evaluated")]
        + records.flatMap { [StableHash.of($0), recordData[$0] ?? hashes[$0] ?? 0] } + cases)
  }

  /// The keys after the file at `path` changed to bytes hashing to `hash`, when that file is a record (its
  /// partner now `record`) or a case whose data is as it was (its notes alone changed): what an
  /// incremental edit plans with, without hashing every case again.
  func replacing(_ path: String, hash: UInt64, record: Partner? = nil) -> InputKeys {
    var keys = self
    keys.replace(path, hash: hash, record: record)
    return keys
  }

  /// `replacing` in place: the hashes are not copied when nothing else holds them. A record's edit that
  /// leaves its `Partner.evaluatedHash` as it was keeps `evaluated`; without `record`, it counts by its
  /// bytes.
  mutating func replace(_ path: String, hash: UInt64, record: Partner? = nil) {
    hashes[path] = hash
    guard path.hasPrefix("partners/") else { return }
    everythingValue = nil
    let data = record?.evaluatedHash
    if data == nil || data != recordData[path] { evaluatedValue = nil }
    recordData[path] = data
  }

  /// The keys after the case file at `path` (one the keys were made with) changed to bytes hashing to
  /// `hash` and data `data` (`data(of:)`): its front matter may have changed, so `everything` is made
  /// again when asked. Nil when the keys hold no case file at `path`.
  func replacingCase(_ path: String, hash: UInt64, data: UInt64) -> InputKeys? {
    let low = Self.position(of: path, in: casePaths)
    guard low < casePaths.count, casePaths[low] == path else { return nil }
    var keys = self
    keys.hashes[path] = hash
    keys.caseData[path] = data
    keys.cases[2 * low + 1] = data
    keys.everythingValue = nil
    keys.evaluatedValue = nil
    return keys
  }

  /// The keys after the case file at `path` was added (`file`: its bytes' hash and its data) or removed
  /// (`file` nil). Nil when the keys already hold a case file at `path` to add, or none to remove.
  func changingCaseFile(_ path: String, to file: (hash: UInt64, data: UInt64)?) -> InputKeys? {
    let low = Self.position(of: path, in: casePaths)
    let holds = low < casePaths.count && casePaths[low] == path
    guard holds == (file == nil) else { return nil }
    var keys = self
    keys.hashes[path] = file?.hash
    keys.caseData[path] = file?.data
    keys.everythingValue = nil
    keys.evaluatedValue = nil
    if let file {
      keys.casePaths.insert(path, at: low)
      keys.cases.insert(contentsOf: [StableHash.of(path), file.data], at: 2 * low)
    } else {
      keys.casePaths.remove(at: low)
      keys.cases.removeSubrange((2 * low)...(2 * low + 1))
    }
    return keys
  }

  /// The keys after the partner record at `path` was added (`hash`, its bytes', and `record`, its partner)
  /// or removed (nil). Nil when the keys already hold a record at `path` to add, or none to remove.
  func changingRecordFile(_ path: String, to hash: UInt64?, record: Partner? = nil) -> InputKeys? {
    let low = Self.position(of: path, in: records)
    let holds = low < records.count && records[low] == path
    guard holds == (hash == nil) else { return nil }
    var keys = self
    keys.hashes[path] = hash
    keys.recordData[path] = hash == nil ? nil : record?.evaluatedHash
    keys.everythingValue = nil
    keys.evaluatedValue = nil
    if hash != nil { keys.records.insert(path, at: low) } else { keys.records.remove(at: low) }
    return keys
  }

  /// Where `path` is, or would go, in the sorted `paths`.
  private static func position(of path: String, in paths: [String]) -> Int {
    var low = 0
    var high = paths.count
    while low < high {
      let middle = (low + high) / 2
      if paths[middle] < path { low = middle + 1 } else { high = middle }
    }
    return low
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
  func partner(recordFile: String?, cases: some Collection<EscalationCase>) -> UInt64 {
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
