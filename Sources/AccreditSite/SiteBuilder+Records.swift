import AccreditContent
import AccreditSupport
public import AccreditEngine
import Foundation

/// The preview server's incremental renders: a change set, planned by `plan`, becomes the pages whose
/// inputs changed, rendered from what the last render left in memory (`Baseline`) instead of from the
/// whole folder. A partner record edited is read alone, that partner alone is evaluated again (an
/// evaluation is made from the partner, its cases, the standards and the date), and the pages whose keys
/// changed are rendered: the partner's own and the site-wide ones. Anything the fast paths do not handle,
/// or a file with an error, takes the whole build, which reports the error as always.
extension SiteBuilder {
  /// What a render leaves for the next one: the content folder's files as listed, the parsed content and
  /// its evaluations, each file's key, each partner's history, and the day it was made.
  public struct Baseline: Sendable {
    var files: NoteFiles
    /// Each case file's front-matter hash, by path: what tells a note edit.
    var heads: [String: UInt64]
    let today: Day
    /// The templates of that render (loaded again by a template edit).
    var templates: TemplateSet
    /// The evaluation date of that render, which an incremental edit keeps.
    public let asOf: Day
    /// The content as the files on disk now say (kept in step by every incremental render), without the
    /// files' texts (`sources` is empty): no incremental render reads them, and a whole build reads its own.
    var content: Content
    /// Every partner's evaluation, in the order of `content.partners` (by slug).
    var evaluations: [PartnerEvaluation]
    /// Each file of the site's key, by path.
    var keys: [String: UInt64]
    /// Each partner's history, as the pages asked for them.
    var histories: PartnerMemo
    /// Each partner's files as planned, by slug: a record edit plans that partner's alone.
    var partners: [String: SiteRenderer.PartnerPlan]
    /// The paths of the files that are not a partner's, as planned.
    var others: [String]
    /// The output keys of that render.
    var inputKeys: InputKeys
    /// The context that render made its pages in, which a record edit's is made from; nil when the
    /// content changed otherwise since (a note edit).
    var site: SiteContext?
    let contentName: String
    let search: Bool

    /// A renderer of the baseline's content, evaluations and templates, with its kept pieces and keys, whose
    /// pages' context is made from the last render's with the partners `edited` made again.
    func renderer(edited: Set<String>, keepingOrder: Bool = false) -> SiteRenderer {
      var renderer = SiteRenderer(
        content: content, evaluations: evaluations, asOf: asOf, contentName: contentName, templates: templates)
      renderer.search = search
      renderer.histories = histories
      renderer.inputKeys = inputKeys
      renderer.previousSite = site.map { ($0, edited, keepingOrder) }
      renderer.previousFiles = (keys, others, partners)
      return renderer
    }

    /// Whether the content file at `path` (relative to the content folder) was read by that render.
    public func lists(_ path: String) -> Bool { files.byPath[path] != nil }
  }

  /// What an incremental render makes: the files rendered again, the paths the site no longer has, what
  /// the next render starts from, and what the edit was, for the log.
  public struct Patch: Sendable {
    /// The files rendered again.
    public var files: [OutputFile]
    /// The paths of files the site no longer has.
    public var removed: [String]
    /// What the next render starts from.
    public var baseline: Baseline
    /// What was edited: `case notes edited`, `partner records edited`.
    public var summary: String
    /// The context of the render the edit followed, held until the patch is published and then freed by
    /// another thread (`releaseRetired`): freeing its thousands of entries takes milliseconds.
    var retired: SiteContext?

    /// Lets another thread free the context of the render the edit followed, once the patch is published.
    public mutating func releaseRetired() { releaseInBackground(retired.take()) }
  }

  /// The preview server's render after `changes` since `baseline`'s render, when the planner (`plan`) finds
  /// an edit a fast path handles and that path can make it; nil for the whole build.
  public static func renderChanges(
    _ request: Request, changes: ChangeSet, since baseline: consuming Baseline
  ) throws(Failure) -> Patch? {
    var changes = changes
    changes.newDay = changes.newDay || request.today != baseline.today || request.search != baseline.search
    switch plan(changes) {
    case .nothing: return Patch(files: [], removed: [], baseline: baseline, summary: "nothing changed")
    case .caseEdits(let paths):
      if let patch = try renderNoteEdits(request, paths: paths, since: &baseline) { return patch }
      return try renderCaseEdits(request, paths: paths, since: baseline)
    case .recordEdits(let paths): return try renderRecordEdits(request, paths: paths, since: consume baseline)
    case .documentEdits(let paths): return try renderDocumentEdits(paths: paths, since: baseline)
    case .filesAddedOrRemoved(let changes): return try renderFileChanges(request, changes: changes, since: baseline)
    case .templateEdits: return try renderTemplateEdits(request, since: baseline)
    case .whole: return nil
    }
  }

  /// The render after templates were edited and no content file: the templates are loaded again, and the
  /// files whose keys changed (those rendered with an edited template, or with one that uses it as a
  /// partial or parent; an edited static file) are rendered from the baseline's content and evaluations,
  /// which nothing read or evaluates again. A template with an error throws, as the whole build does.
  static func renderTemplateEdits(_ request: Request, since baseline: Baseline) throws(Failure) -> Patch {
    var next = baseline
    do {
      next.templates = try TemplateSet.load(overlay: request.templates)
    } catch {
      throw .templates(diagnostics: error.diagnostics, sources: error.sources)
    }
    // Every partner's files are planned again: their keys hold the templates.
    let patch = try renderChangedKeys(&next, edited: Set(baseline.partners.keys))
    return Patch(files: patch.files, removed: patch.removed, baseline: next, summary: "templates edited")
  }

  /// The render after the partner records at `paths` (each in `baseline`'s listing) were edited: each is
  /// read and evaluated again alone, and the pages whose keys changed are rendered. Nil when a record does
  /// not load without errors (the whole build then reports them).
  static func renderRecordEdits(
    _ request: Request, paths: [String], since next: consuming Baseline
  ) throws(Failure) -> Patch? {
    // The baseline changed in place: its tables are copied only when another holds them too (the last
    // render's context holds the content).
    var edited: Set<String> = []
    // How far the edits reach: the partner's own pages alone, those and the files that list its record
    // beside the others', or every file's plan.
    var reach = Partner.Reach.ownPages
    let retired = next.site
    for path in paths {
      guard let file = next.files.byPath[path], case .success(let bytes) = FolderJail.read(file) else {
        return nil
      }
      let hash = StableHash.of(bytes)
      if next.content.inputHashes[path] == hash { continue }
      guard
        let (partner, _) = ContentLoader.loadRecord(
          ContentFile(path: path, bytes: bytes), standards: next.content.standards),
        let index = next.content.partners.firstIndex(where: { $0.slug == partner.slug }),
        next.evaluations.indices.contains(index), next.evaluations[index].slug == partner.slug
      else { return nil }
      reach = max(reach, next.content.partners[index].reach(from: partner))
      next.content.partners[index] = partner
      next.content.inputHashes[path] = hash
      next.inputKeys.replace(path, hash: hash, record: partner)
      let cases = next.content.cases.filter { $0.partnerSlug == partner.slug }
      next.evaluations[index] = Evaluator(standards: next.content.standards)
        .evaluate(partner, cases: cases, asOf: next.asOf)
      edited.insert(partner.slug)
    }
    if edited.isEmpty { return Patch(files: [], removed: [], baseline: next, summary: "nothing changed") }
    next.histories = next.histories.forgetting(edited)
    var patch = reach < .everything ? try renderOwnPages(&next, edited: edited, listed: reach == .listed) : nil
    if patch == nil { patch = try renderChangedKeys(&next, edited: edited) }
    guard let patch else { return nil }
    return Patch(
      files: patch.files, removed: patch.removed, baseline: next, summary: "partner records edited", retired: retired)
  }

  /// The render after the case files at `paths` (each in `baseline`'s listing) were edited, their front
  /// matter too: each is read alone, its partner evaluated again alone (with its cases as they are now),
  /// and the pages whose keys changed are rendered, as for a record edit. Nil when a case does not load
  /// without a diagnostic, names an accreditation its partner does not hold (a warning the whole load
  /// makes), or is not one the baseline has: the whole build then reads and reports everything.
  static func renderCaseEdits(_ request: Request, paths: [String], since baseline: Baseline) throws(Failure)
    -> Patch?
  {
    var next = baseline
    var edited: Set<String> = []
    for path in paths {
      guard let (slug, _) = ContentFolder.casePath(path),
        next.content.cases.contains(where: { $0.location.file == path })
      else { return nil }
      switch next.readCase(at: path) {
      case .unchanged: continue
      case .changed: edited.insert(slug)
      case .refused: return nil
      }
    }
    return try renderEvaluatingAgain(&next, edited: edited, summary: "case files edited")
  }

  /// Renders the files of `baseline`'s content whose keys differ from its recorded ones, on every core, and
  /// records the new keys; the paths it no longer has are returned as removed. The partners not in
  /// `edited` are not planned again: their files are as the baseline has them.
  static func renderChangedKeys(_ baseline: inout Baseline, edited: Set<String>) throws(Failure)
    -> (files: [OutputFile], removed: [String])
  {
    var reused = baseline.partners
    for slug in edited { reused.removeValue(forKey: slug) }
    let plan = baseline.renderer(edited: edited).plan(reusing: reused)
    let old = baseline.keys
    let changed = plan.jobs.filter { old[$0.path] != $0.key }
    // What the site may no longer have: the last plan's other files and the edited partners' (the other
    // partners' files are as they were).
    let candidates = Set(baseline.others + edited.flatMap { baseline.partners[$0]?.files.map(\.path) ?? [] })
    let removed = candidates.filter { old[$0] != nil && plan.keys[$0] == nil }.sorted()
    let files = try render(changed)
    baseline.keys = plan.keys
    baseline.partners = plan.partners
    baseline.others = plan.others
    baseline.site = plan.site
    return (files, removed)
  }

  /// Renders the files of the partners `edited` alone whose keys changed, when their edits changed nothing
  /// that another file shows (`Partner.Reach.ownPages`), or, with `listed`, those and the files that show
  /// their records beside the other partners' (`Partner.Reach.listed`: the list's pages they are on,
  /// `api/partners.json`, `api/accreditations.csv`): the other files are as they were, and keep their
  /// recorded keys (a key recorded for a file whose bytes are still right only ever costs a render too
  /// many), and of the partner's own files its page alone is rendered. The list's order and the calendar
  /// are the last render's (no evaluation changed). Nil when a partner's files are not the same paths as
  /// before.
  static func renderOwnPages(_ baseline: inout Baseline, edited: Set<String>, listed: Bool = false) throws(Failure)
    -> (files: [OutputFile], removed: [String])?
  {
    // The renderer is let go at once: it holds the baseline's keys, which are changed in place below.
    let (site, plans, listedJobs, keys) = baseline.renderer(edited: edited, keepingOrder: true).plan(
      partners: edited, listedAmong: listed ? baseline.partners : nil)
    guard plans.count == edited.count else { return nil }
    for (slug, planned) in plans {
      guard let known = baseline.partners[slug], known.files.map(\.path) == planned.plan.files.map(\.path) else {
        return nil
      }
    }
    // Of a partner's files, its page alone shows the edit (`Partner.Reach.page`): the others keep their
    // bytes, with their new keys.
    let shown = Set(edited.map(Partner.Reach.page))
    let own = plans.values.flatMap(\.jobs).filter { shown.contains($0.path) }
    let changed = (own + listedJobs).filter { baseline.keys[$0.path] != $0.key }
    let files = try render(changed)
    baseline.site = site
    baseline.inputKeys = keys
    for (slug, planned) in plans {
      baseline.partners[slug] = planned.plan
      for file in planned.plan.files { baseline.keys[file.path] = file.key }
    }
    for job in listedJobs { baseline.keys[job.path] = job.key }
    return (files, [])
  }

  /// The files of `jobs`, rendered on every core.
  static func render(_ jobs: [OutputJob]) throws(Failure) -> [OutputFile] {
    let outcomes = jobs.parallelMap { job in
      Swift.Result { OutputFile(path: job.path, bytes: try job.render(), key: job.key) }
    }
    do {
      return try outcomes.map { try $0.get() }
    } catch let failure as TemplateSet.RenderFailure {
      throw failure.asBuildFailure
    } catch {
      throw .io(String(describing: error))
    }
  }

  /// What `render` leaves for the next incremental render.
  static func baseline(
    of renderer: SiteRenderer, plan: SiteRenderer.Plan, listing: FolderJail.Listing, request: Request
  ) -> Baseline {
    var content = renderer.content
    content.sources = [:]
    return Baseline(
      files: NoteFiles(listing.files), heads: renderer.content.caseHeads, today: request.today,
      templates: renderer.templates, asOf: renderer.asOf, content: content,
      evaluations: renderer.evaluations, keys: plan.keys, histories: renderer.histories, partners: plan.partners,
      others: plan.others, inputKeys: plan.inputKeys, site: plan.site, contentName: renderer.contentName,
      search: renderer.search)
  }
}

extension Partner {
  /// How far an edit of a record reaches into the site, by the fields it changed.
  enum Reach: Int, Comparable {
    /// The partner's own pages alone: its website, which its page alone shows (no list, feed, JSON file
    /// or other partner's page does).
    case ownPages
    /// Those and the files that show the record beside every other partner's, which no evaluation,
    /// history, calendar or order reads: its region, which the partner's page, its row of the partner
    /// list (on the list's page or the overview), `api/partners.json` and `api/accreditations.csv` show.
    case listed
    /// Every file's plan: any other field, or an entry's position.
    case everything

    static func < (a: Reach, b: Reach) -> Bool { a.rawValue < b.rawValue }

    /// The one of the partner `slug`'s own files that shows an edit below `everything`: its page. Its case
    /// pages, marks page, badge and feed show its name and what its evaluation says, not its website or
    /// region; they keep their bytes under their new keys.
    static func page(_ slug: String) -> String { Route.partner(slug: slug).file }
  }

  /// How far `other`, an edit of this record, reaches: every field and every entry's position but the
  /// website and the region counts as `everything`.
  func reach(from other: Partner) -> Reach {
    var same = self
    same.website = other.website
    if same == other { return .ownPages }
    same.region = other.region
    return same == other ? .listed : .everything
  }
}
