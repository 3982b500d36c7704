public import AccreditContent
public import AccreditEngine
public import Foundation
import AccreditSupport

/// Runs a whole build: read and check the content, evaluate it, render the site. Two entry points share
/// everything up to the rendering: `build` writes the site to a folder (the CLI), `render` makes it in
/// memory (the preview server, tests).
public enum SiteBuilder {
  /// What the site is made from.
  public struct Request: Sendable {
    /// The content folder.
    public var content: URL
    /// A templates folder laid over the built-in templates; nil for the built-in ones alone.
    public var templates: URL?
    /// The evaluation date given on the command line, if any.
    public var asOf: Day?
    /// Today's date (UTC), used when neither the command line nor `site.yaml` gives one.
    public var today: Day
    /// Whether pages show a search box (`build --search`, which also runs Pagefind).
    public var search = false

    /// The evaluation date, with `site`'s settings.
    func date(site: SiteSettings) -> EvaluationDate {
      EvaluationDate(argument: asOf, site: site.asOf, today: today)
    }

    /// Creates a request.
    public init(content: URL, templates: URL? = nil, asOf: Day?, today: Day) {
      self.content = content
      self.templates = templates
      self.asOf = asOf
      self.today = today
    }
  }

  /// Where and how `build` writes.
  public struct Output: Sendable {
    /// The output folder.
    public var folder: URL
    /// Rebuild every file, ignoring the previous build's manifest.
    public var clean: Bool
    /// Wait for another build of the same output folder to finish, rather than fail at once.
    public var wait: Bool
    /// Called once when the build starts waiting for another build's lock.
    public var onWaiting: @Sendable () -> Void
    /// Pagefind, to index the written site (`build --search`); without it, a previous index is removed.
    public var pagefind: Pagefind?
    /// The persistent build cache: a build whose inputs match its record does nothing. `clean` ignores
    /// the record (and writes a new one).
    public var cache: BuildCache?
    /// Called with one line when the cache's record is damaged and is being rebuilt.
    public var onCacheWarning: @Sendable (String) -> Void = { _ in }

    /// Creates output options.
    public init(folder: URL, clean: Bool = false, wait: Bool = true, onWaiting: @escaping @Sendable () -> Void = {}) {
      self.folder = folder
      self.clean = clean
      self.wait = wait
      self.onWaiting = onWaiting
    }
  }

  /// What `build` did.
  public struct Built: Sendable {
    /// The evaluation date used.
    public var asOf: Day
    /// How many partners were evaluated.
    public var partnerCount: Int
    /// How many accreditations have each status.
    public var statusCounts: [AccreditationStatus: Int]
    /// The number of files the site has.
    public var fileCount: Int
    /// What was written.
    public var report: SiteWriter.Report
    /// Warnings found in the content.
    public var diagnostics: [Diagnostic]
    /// Whether nothing was done: the build cache showed the inputs unchanged since the last build.
    public var isUpToDate = false
    /// Whether the build cache showed case notes edited alone, and only their pages were made.
    public var isNoteEdit = false
    /// Whether partner records were edited alone, and only their partners' files and the lists were planned
    /// (`RecordEdit`).
    public var isRecordEdit = false
    /// Each stage's name and time, in order (`build --timings`); empty when the cache answered.
    public var timings: [(stage: String, time: Duration)] = []
    /// How many partners' memo entries and plans the build cache gave (`PartnerMemo`'s file), for tests.
    var reusedMemos = 0
    var reusedPlans = 0
  }

  /// The stages of a build, timed as they end (`build --timings`, as Zola's `log_time` does).
  final class Timings: @unchecked Sendable {
    private(set) var stages: [(stage: String, time: Duration)] = []
    private var last = ContinuousClock.now

    /// Ends the stage `stage` now.
    func lap(_ stage: String) {
      let now = ContinuousClock.now
      stages.append((stage, last.duration(to: now)))
      last = now
    }
  }

  /// What `render` made.
  public struct Rendered: Sendable {
    /// The evaluation date used.
    public var asOf: Day
    /// Every partner's evaluation.
    public var evaluations: [PartnerEvaluation]
    /// Every file of the site.
    public var files: [OutputFile]
    /// Warnings found in the content.
    public var diagnostics: [Diagnostic]
    /// What the next render starts from, for an incremental edit (`renderChanges`).
    public var baseline: Baseline
    /// Where the evaluation date came from (`EvaluationDate.Source`'s raw value), for the start record.
    var dateSource: String
    /// The paths of the templates' static files, for the start record.
    var staticPaths: Set<String>
  }

  /// Why a build stopped without touching the output.
  public enum Failure: Error {
    /// The content has errors; the output folder was left as it was.
    case content(diagnostics: [Diagnostic], sources: [String: SourceText])
    /// The templates have errors; `location.file` is relative to the templates folder.
    case templates(diagnostics: [Diagnostic], sources: [String: SourceText])
    /// The content folder could not be read.
    case io(String)
    /// A file or folder of the site could not be written; the message has the path and the reason.
    case write(String)
    /// Another build holds the output folder, and the request said not to wait.
    case busy(String)
    /// Pagefind could not index the site (which was written).
    case search(String)
    /// The output folder is one a build must never write into (the content, a git repository, a home
    /// folder…); nothing was written.
    case refused(String)
  }

  /// Builds the site into `output.folder`. On a content or template error the folder is left exactly as
  /// it was.
  public static func build(_ request: Request, into output: Output) throws(Failure) -> Built {
    try checkOutputIsSafe(output.folder, request: request)
    var output = output
    output.folder = OutputFolder.resolved(output.folder)
    // The build cache: stamped before anything is read, so that a file changed during the build makes
    // the record stale rather than hiding the change.
    let timings = Timings()
    let name = BuildRecord.name(request, output)
    let record = output.cache == nil ? nil : BuildRecord.current(request)
    // Read on the other core while the record is checked (`earlyParseCache`), stopped if it answers.
    let stopReading = ParseCache.Stop()
    var parseCache = earlyParseCache(request, output: output, stop: stopReading)
    // The stamp of every file, freed by another thread while the command reports.
    defer { releaseInBackground(record) }
    // What repairing a killed build did, said by whichever way this build ends.
    var repairs: [String] = []
    // What the record's check leaves when it does not answer: the records edited alone, and the lock.
    var recordEdits: [String]?
    var held: OutputFolder.Lock?
    if let record, !output.clean,
      var replayed = try replay(
        record, name: name, request: request, output: output, repairs: &repairs, recordEdits: &recordEdits,
        held: &held, stopReading: stopReading)
    {
      replayed.report.notes = repairs + replayed.report.notes
      return replayed
    }
    if output.cache != nil { timings.lap("cache check") }
    let locked = held.map { Locked(lock: $0, folder: output.folder, checkingFiles: recordEdits != nil) }
    // Read on the other cores while the content loads, once the parse cache is read: started before the
    // record answered, it slowed the builds the record answers (case notes edited alone: 20 ms), and beside
    // the parse cache's decode, it slowed the decode the load waits for (8 ms of a record edit at 1,000
    // partners).
    let storedMemo = earlyMemo(request, output: output, after: parseCache)
    // Every partner's memo entry (thousands of small values), freed by another thread too.
    defer { releaseInBackground(storedMemo) }
    // The parse cache is saved while the site renders (writing tens of megabytes was a tenth of a first
    // build), and before the build returns, content errors or not.
    let saving = DispatchGroup()
    defer {
      saving.wait()
      // Every parsed file (tens of megabytes at 1,000 partners), freed by another thread while the command
      // reports and exits: freed here, it was the last 25-40 ms of a 1,000-partner build.
      releaseInBackground(parseCache.take())
    }
    // The edited records as the last build read them (the parse cache's, before the load replaces them).
    let before = recordEdits.map { paths in paths.map { parseCache?.value.cache.partner(at: $0) } }
    let prepared = try prepare(
      request, output: output, stamp: record?.stamp, known: recordEdits != nil, timings: timings, saving: saving,
      loading: parseCache)
    // The content and its evaluations, freed by another thread once the build is written (10 ms at 1,000
    // partners), after the copies `planAndWrite` lets go.
    defer { releaseInBackground(prepared) }
    let edit = recordEdits.flatMap { paths in
      before.flatMap { RecordEdit(paths: paths, before: $0, content: prepared.renderer.content) }
    }
    return try planAndWrite(
      prepared, request: request, output: output, record: (record, name), memo: storedMemo, saving: saving,
      edit: edit, locked: locked, repairs: repairs, timings: timings)
  }

  /// The prepared site planned (the memo's partners kept; for a record `edit` that reaches no further than
  /// the lists, its partners' files and the lists' alone) and written, under the output folder's lock,
  /// with its record: the rest of `build`. The memo is saved in `saving`.
  private static func planAndWrite(
    _ prepared: Prepared, request: Request, output: Output, record: (BuildRecord?, name: String),
    memo storedMemo: Background<PartnerMemo.Stored?>?, saving: DispatchGroup, edit: RecordEdit?, locked: Locked?,
    repairs: [String], timings: Timings
  ) throws(Failure) -> Built {
    var prepared = prepared
    let (record, name) = record
    // The record's files of case heads and file stamps, made on another core while the site is planned.
    let sideFiles = record.map { record in
      let heads = prepared.renderer.content.caseHeads
      return Background { record.sideFiles(heads: heads, now: Date()) }
    }
    // The output folder is locked from here (or from the record's check) to the record: its manifest, read
    // once under the lock, tells which of the memo's plans the folder holds, and the writer what to keep.
    let (lock, opened) = if let locked { try locked.opened() } else { try lockOutput(output) }
    defer { withExtendedLifetime(lock) {} }
    let memo = output.cache.map {
      keepMemo(
        of: &prepared.renderer, in: $0, stored: storedMemo?.value, request: request, output: output,
        manifest: opened.manifest)
    }
    // The manifest's and the memo's tables (tens of thousands of paths and keys), freed by another thread.
    defer { releaseInBackground((opened, memo)) }
    // The memo is saved on another core once the site is written, while this one writes the record (it
    // was saved after the record, the build waiting for it: 30-35 ms at 1,000 partners).
    let memos = prepared.renderer.histories
    let saveMemo = { (plans: [String: SiteRenderer.PartnerPlan]) in
      guard let memo else { return }
      DispatchQueue.global(qos: .utility).async(group: saving) { memo.save(memos, plans: plans) }
    }
    if let edit, let memo, let stored = storedMemo?.value,
      let written = try writeRecordEdit(
        edit, of: prepared, memo: memo, stored: stored, request: request, output: output, opened: opened,
        record: (record, name, sideFiles), repairs: repairs, timings: timings, saveMemo: saveMemo)
    {
      return written
    }
    // The partners whose plans the memo's file kept, and the output folder's manifest holds, are not
    // planned again: their files are kept as the folder has them, or, when it does not
    // (`OutputJob.NotPlanned`: a file gone), everything is planned.
    var plan = prepared.renderer.plan(reusing: memo?.plans ?? [:], keeping: true)
    timings.lap("plan")
    var written = try write(
      plan.jobs, of: prepared, request: request, output: output, opened: opened, record: (record, name, sideFiles),
      repairs: repairs, timings: timings, onWritten: { saveMemo(plan.partners) })
    if written == nil {
      plan = prepared.renderer.plan()
      written = try write(
        plan.jobs, of: prepared, request: request, output: output, opened: opened,
        record: (record, name, sideFiles), repairs: repairs, timings: timings, onWritten: { saveMemo(plan.partners) })
    }
    guard var result = written else { throw .write("the output folder does not hold the files planned") }
    if let memo {
      result.reusedMemos = memo.loaded
      result.reusedPlans = memo.plans.count
    }
    releaseInBackground((prepared.renderer, plan))
    return result
  }

  /// The build cache's memo of each partner's pieces (`PartnerMemo`'s file), read for `renderer` (its
  /// entries whose partner's key is unchanged; none with `clean`; a damaged file is warned about), with
  /// what saves the memo after the build.
  private static func keepMemo(
    of renderer: inout SiteRenderer, in cache: BuildCache, stored: PartnerMemo.Stored?, request: Request,
    output: Output, manifest: SiteWriter.Manifest?
  ) -> MemoFile {
    let keys = renderer.inputKeys ?? renderer.makeKeys()
    renderer.inputKeys = keys
    let memoKeys = renderer.madeMemoKeys ?? renderer.memoKeys(keys)
    renderer.madeMemoKeys = nil
    let file = MemoFile(url: cache.memoFile(for: request.content), keys: memoKeys.memo, planKeys: memoKeys.plan)
    if !output.clean, let stored {
      let loaded = stored.matching(keys: file.keys, planKeys: file.planKeys)
      if let damage = loaded.damage {
        output.onCacheWarning("ignoring the build cache's memo \(file.url.path) (\(damage)); rebuilding it")
      }
      renderer.histories = loaded.memo
      file.loaded = loaded.count
      // A plan whose files the manifest does not have under their keys (the content went back to what the
      // file knows, the folder did not) is made again: kept, it would take the whole planning again.
      if !loaded.plans.isEmpty, let manifest {
        file.plans = loaded.plans.filter { $0.value.files.allSatisfy { manifest.key(of: $0.path) == $0.key } }
      }
    }
    return file
  }

  /// What `prepare` makes: the evaluated content's renderer, the content's warnings, the folder's walk.
  typealias Prepared = (renderer: SiteRenderer, diagnostics: [Diagnostic], listing: FolderJail.Listing)

  /// The build the record `name` answers without reading the content: nothing changed since it (replayed),
  /// or case notes edited alone (`buildNoteEdits`); nil otherwise, with the paths of the partner records
  /// edited in `recordEdits` when nothing else changed, and the output's lock in `held`. Under that lock,
  /// after repairing what a killed build left (said in `repairs`): the folder is then as its manifest says.
  private static func replay(
    _ record: BuildRecord, name: String, request: Request, output: Output, repairs: inout [String],
    recordEdits: inout [String]?, held: inout OutputFolder.Lock?, stopReading: ParseCache.Stop
  ) throws(Failure) -> Built? {
    guard let cache = output.cache else { return nil }
    do {
      let lock = try OutputFolder.lock(output.folder, wait: output.wait, onWaiting: output.onWaiting)
      let built = try withExtendedLifetime(lock) { () throws -> Built? in
        repairs = OutputFolder.recover(output.folder.standardizedFileURL)
        if let repaired = try SiteWriter.recover(output.folder.standardizedFileURL) { repairs.append(repaired) }
        switch cache.read(name) {
        case .found(let lines):
          defer { releaseInBackground(lines) }
          let indexed = FileManager.default.fileExists(atPath: output.folder.path + "/pagefind/pagefind.js")
          guard output.pagefind == nil || indexed,
            let recorded = BuildRecord.read(lines, request: request, output: output.folder)
          else { return nil }
          if let built = record.replay(recorded) {
            stopReading.request()
            return built
          }
          return try buildNoteEdits(
            since: recorded, record: record, request: request, output: output, name: name, recordEdits: &recordEdits,
            stopReading: stopReading)
        case .damaged(let why):
          output.onCacheWarning(
            "ignoring the build cache's record \(cache.folder.path)/\(name) (\(why)); rebuilding it")
          return nil
        case .missing:
          return nil
        }
      }
      // Not answered: the build keeps the lock, to its record.
      if built == nil { held = lock }
      return built
    } catch {
      throw failure(error)
    }
  }

  /// The parse cache, being read on another core while the record is checked: a build the record does not
  /// answer needs it, and waiting for the record's answer before reading it put the two one after the
  /// other (a record edit at 1,000 × 10 waited about 50 ms longer). Started before the stamping, it slowed
  /// it, and a build with nothing to do took 40 ms longer (beside a stamping on one core, docs/performance.md
  /// has the figures). When the record answers (nothing changed, case notes edited), it asks `stop`, and the
  /// read ends unused: read to its end, it made a note edit 10 ms longer. Nil with `clean` or no cache.
  private static func earlyParseCache(_ request: Request, output: Output, stop: ParseCache.Stop)
    -> Background<LoadedParseCache>?
  {
    guard let cache = output.cache, !output.clean else { return nil }
    let file = cache.parseCacheFile(for: request.content)
    return Background { ParseCache.load(from: file, identity: SiteRenderer.buildIdentity, stop: stop) }
  }

  /// Every entry of the build cache's memo (`PartnerMemo`'s file), being read on one other core while the
  /// content loads, once `parseCache` is read; nil with `clean`, no cache, or no file.
  private static func earlyMemo(_ request: Request, output: Output, after parseCache: Background<LoadedParseCache>?)
    -> Background<PartnerMemo.Stored?>?
  {
    guard let cache = output.cache, !output.clean else { return nil }
    let path = cache.memoFile(for: request.content).path
    return Background {
      _ = parseCache?.value
      return ParseCache.readWhole(path).map {
        PartnerMemo.stored($0, identity: SiteRenderer.buildIdentity, onEveryCore: false)
      }
    }
  }

  /// A parse cache read from its file, with the warning to give when the file was damaged.
  typealias LoadedParseCache = (cache: ParseCache, warning: String?)

  /// `prepare` with the build cache's parse cache: files whose bytes did not change are not parsed again
  /// (`clean` starts from an empty one). The cache is saved on another thread in `saving`, content errors
  /// or not. The record's `stamp` is read, neither walked nor stamped again; with `known`, its paths are
  /// those of the build the record describes, which had no error. `loading`, when given, is the parse
  /// cache being read already.
  private static func prepare(
    _ request: Request, output: Output, stamp: FolderStamp?, known: Bool, timings: Timings, saving: DispatchGroup,
    loading: Background<LoadedParseCache>?
  ) throws(Failure) -> Prepared {
    let parseCache = output.cache.map { cache in
      let file = cache.parseCacheFile(for: request.content)
      let loaded =
        output.clean
        ? (cache: ParseCache(), warning: nil)
        : loading?.value ?? ParseCache.load(from: file, identity: SiteRenderer.buildIdentity)
      if let warning = loaded.warning { output.onCacheWarning(warning) }
      return (cache: loaded.cache, file: file)
    }
    defer {
      if let parseCache {
        DispatchQueue.global(qos: .utility).async(group: saving) {
          parseCache.cache.save(to: parseCache.file, identity: SiteRenderer.buildIdentity)
        }
      }
    }
    return try prepare(
      request, stamp: stamp, known: known, cache: parseCache?.cache, keying: parseCache != nil, timings: timings)
  }

  /// Takes the output folder's lock, repairs what a killed build left there and reads its manifest
  /// (`SiteWriter.openFolder`). The build holds the lock until it returns, its record written.
  private static func lockOutput(_ output: Output) throws(Failure) -> (OutputFolder.Lock, SiteWriter.Opened) {
    do {
      let lock = try OutputFolder.lock(output.folder, wait: output.wait, onWaiting: output.onWaiting)
      return (lock, try SiteWriter.openFolder(output.folder))
    } catch {
      throw failure(error)
    }
  }

  /// Writes the planned `jobs` into the output folder `opened` (whose lock the caller holds), updates the
  /// search index, and writes the build cache's record under the lock too: a record paired with another
  /// build's site would answer "nothing changed" over it.
  /// Nil, with the folder as it was, when a kept file's job had to render (`OutputJob.NotPlanned`).
  private static func write(
    _ jobs: [OutputJob], of prepared: Prepared, request: Request, output: Output, opened: SiteWriter.Opened,
    record: (BuildRecord?, name: String, sideFiles: Background<BuildRecord.SideFiles>?), repairs: [String],
    timings: Timings, onWritten: () -> Void = {}
  ) throws(Failure) -> Built? {
    do {
      var report = try SiteWriter.write(jobs, to: opened, clean: output.clean)
      report.notes = repairs + report.notes
      timings.lap("render and write")
      onWritten()
      return try finish(
        report, fileCount: jobs.count, of: prepared, request: request, output: output, record: record, timings: timings)
    } catch is OutputJob.NotPlanned {
      return nil
    } catch {
      throw failure(error)
    }
  }

  /// The build of a record `edit` that reaches no further than the lists: planned (`RecordEdit.plan`, with
  /// `memo`, read from `stored`), written into the output folder `opened` (whose lock the caller holds),
  /// the search index updated and the build cache's record written, as `write` does; the memo is saved
  /// with `saveMemo`. Nil, with the folder as it was, when the edit cannot be planned alone or the folder
  /// does not hold every file it keeps: the whole plan then decides.
  private static func writeRecordEdit(
    _ edit: RecordEdit, of prepared: Prepared, memo: MemoFile, stored: PartnerMemo.Stored, request: Request,
    output: Output, opened: SiteWriter.Opened,
    record: (BuildRecord?, name: String, sideFiles: Background<BuildRecord.SideFiles>?), repairs: [String],
    timings: Timings, saveMemo: ([String: SiteRenderer.PartnerPlan]) -> Void
  ) throws(Failure) -> Built? {
    guard let manifest = opened.manifest,
      let planned = edit.plan(prepared.renderer, memo: memo, stored: stored, manifest: manifest)
    else { return nil }
    timings.lap("plan")
    defer { releaseInBackground(planned) }
    do {
      guard
        var report = try SiteWriter.patch(planned.jobs, rekeyed: planned.rekeyed, in: opened, holdingEveryFile: true)
      else { return nil }
      report.notes = repairs + report.notes
      timings.lap("render and write")
      saveMemo(planned.plans)
      var built = try finish(
        report, fileCount: manifest.count, of: prepared, request: request, output: output, record: record,
        timings: timings)
      built.reusedMemos = memo.loaded
      built.reusedPlans = memo.plans.count
      built.isRecordEdit = true
      return built
    } catch {
      throw failure(error)
    }
  }

  /// The output folder's lock, taken by the record's check, with its manifest being read on another core
  /// while the content loads (`SiteWriter.openFolder`); with `checkingFiles` (for a record edit), whether
  /// the folder holds every file the manifest lists is looked up there too (`Opened.checkingFiles`).
  struct Locked {
    let lock: OutputFolder.Lock
    let opening: Background<Result<SiteWriter.Opened, any Error>>

    init(lock: OutputFolder.Lock, folder: URL, checkingFiles: Bool) {
      self.lock = lock
      opening = Background {
        Result {
          let opened = try SiteWriter.openFolder(folder)
          return checkingFiles ? opened.checkingFiles() : opened
        }
      }
    }

    /// The lock and the folder opened under it.
    func opened() throws(Failure) -> (OutputFolder.Lock, SiteWriter.Opened) {
      switch opening.value {
      case .success(let folder): return (lock, folder)
      case .failure(let error): throw SiteBuilder.failure(error)
      }
    }
  }

  /// What follows the writing of a build's `report`: the search index updated, the result, and the build
  /// cache's record written, under the output folder's lock: a record paired with another build's site
  /// would answer "nothing changed" over it.
  private static func finish(
    _ report: SiteWriter.Report, fileCount: Int, of prepared: Prepared, request: Request, output: Output,
    record: (BuildRecord?, name: String, sideFiles: Background<BuildRecord.SideFiles>?), timings: Timings
  ) throws -> Built {
    try Pagefind.update(output.folder, with: output.pagefind, changed: report.written + report.removed > 0)
    if output.pagefind != nil { timings.lap("search index") }
    let statuses = prepared.renderer.evaluations.flatMap(\.accreditations).map(\.status)
    var result = Built(
      asOf: prepared.renderer.asOf, partnerCount: prepared.renderer.evaluations.count,
      statusCounts: Dictionary(statuses.map { ($0, 1) }, uniquingKeysWith: +), fileCount: fileCount,
      report: report, diagnostics: prepared.diagnostics)
    if let cache = output.cache, let current = record.0, let sideFiles = record.sideFiles?.value {
      PausePoint.reach(.record)
      let source = request.date(site: prepared.renderer.content.site).source.rawValue
      current.write(
        record.name, in: cache, for: result, source: source, sideFiles: sideFiles, request: request,
        output: output.folder)
      timings.lap("record")
    }
    result.timings = timings.stages
    return result
  }

  /// The build of case notes edited alone since the record (see `noteEdits`): their pages are rendered and
  /// written, the rest of the site and the record's report stay. Nil when the change is anything else.
  /// The record's stamps tell the change set, and the planner (`plan`) decides, as for the preview server:
  /// what it does not plan as case edits takes the whole build, which renders the files whose keys changed.
  private static func buildNoteEdits(
    since recorded: BuildRecord.Recorded, record: BuildRecord, request: Request, output: Output, name: String,
    recordEdits: inout [String]?, stopReading: ParseCache.Stop
  ) throws -> Built? {
    guard let cache = output.cache, let changed = record.editedFiles(since: recorded, name: name, in: cache)
    else {
      return nil
    }
    switch plan(ChangeSet(content: Dictionary(uniqueKeysWithValues: changed.map { ($0, .changed) }))) {
    case .nothing, .caseEdits: break
    case .recordEdits(let paths):
      recordEdits = paths
      return nil
    case .documentEdits, .filesAddedOrRemoved, .templateEdits, .whole: return nil
    }
    let files = NoteFiles(
      record.stamp.listing.files, partners: Set(changed.compactMap { ContentFolder.casePath($0)?.partner }))
    guard let heads = BuildRecord.heads(of: changed, recorded: recorded, name: name, in: cache),
      let edited = noteEdits(changed, heads: heads, files: files),
      let jobs = noteJobs(request, edited: edited, files: files)?.jobs
    else { return nil }
    // The parse cache is not read to its end from here: a folder that lacks a file still takes the whole
    // build, which then parses every file again.
    stopReading.request()
    guard let report = try SiteWriter.patch(jobs, in: output.folder) else { return nil }
    try Pagefind.update(output.folder, with: output.pagefind, changed: report.written > 0)
    var built = recorded.built
    built.report = report
    built.isUpToDate = false
    built.isNoteEdit = true
    record.write(
      name, in: cache, for: built, source: recorded.dateSource, headsID: recorded.headsID, request: request,
      output: output.folder)
    return built
  }

  /// A failure of the output side as the build reports it.
  private static func failure(_ error: any Error) -> Failure {
    switch error {
    case let failure as TemplateSet.RenderFailure: failure.asBuildFailure
    case let failure as OutputBusy: .busy(failure.description)
    case let failure as Pagefind.Failure: .search(failure.description)
    default: .write(String(describing: error))
    }
  }

  /// Lets another thread free `values`: freeing the content and the planned jobs took a fifth of a second
  /// at 10,000 partners, time in which the command can report and exit.
  static func releaseInBackground(_ values: some Sendable) {
    DispatchQueue.global(qos: .utility).async { withExtendedLifetime(values) {} }
  }

  /// Reads, checks, evaluates and renders the site in memory, writing nothing. Files of `previous` whose
  /// key is unchanged are reused instead of rendered again (the preview server's incremental build).
  ///
  /// With `early`, the files a browser asks for first (the overview, the 404 page, the static files) are
  /// rendered first and handed to it before the rest: the preview server serves them while the rest renders.
  /// With `start`, the content folder's walk and each file's stamp are that stamp's (taken before any file
  /// was read): the folder is neither walked nor stamped again.
  public static func render(
    _ request: Request, previous: [String: (key: UInt64, bytes: [UInt8])] = [:], cache: ParseCache? = nil,
    start: StartStamp? = nil, early: (@Sendable ([OutputFile]) -> Void)? = nil
  ) throws(Failure) -> Rendered {
    let prepared = try prepare(request, stamp: start?.record.stamp, cache: cache)
    let plan = prepared.renderer.plan()
    let jobs = plan.jobs
    var earlyFiles: [String: OutputFile] = [:]
    if let early {
      // The files that list every accreditation are what a browser asks for last.
      let late = [Route.statusJSON.file, Route.accreditationsCSV.file, Route.historyJSON.file]
      let first = jobs.filter {
        $0.path == Route.home.file || $0.path == Route.notFound.file
          || ($0.template == nil && !late.contains($0.path))
      }
      // A file that fails to render here fails again below, where the failure is reported.
      let rendered = first.parallelMap { job in
        (try? job.render()).map { OutputFile(path: job.path, bytes: $0, key: job.key) }
      }.compactMap { $0 }
      early(rendered)
      earlyFiles = Dictionary(rendered.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
    }
    let rendered = earlyFiles
    let outcomes = jobs.parallelMap { job in
      Swift.Result { () throws -> OutputFile in
        if let file = rendered[job.path] { return file }
        if let old = previous[job.path], old.key == job.key {
          return OutputFile(path: job.path, bytes: old.bytes, key: job.key, isReused: true)
        }
        return OutputFile(path: job.path, bytes: try job.render(), key: job.key)
      }
    }
    let files: [OutputFile]
    do {
      files = try outcomes.map { try $0.get() }
    } catch let failure as TemplateSet.RenderFailure {
      throw failure.asBuildFailure
    } catch {
      throw .io(String(describing: error))
    }
    return Rendered(
      asOf: prepared.renderer.asOf, evaluations: prepared.renderer.evaluations, files: files,
      diagnostics: prepared.diagnostics,
      baseline: baseline(of: prepared.renderer, plan: plan, listing: prepared.listing, request: request),
      dateSource: request.date(site: prepared.renderer.content.site).source.rawValue,
      staticPaths: Set(prepared.renderer.templates.staticFiles.map(\.path)))
  }

  /// The renderer of a checked and evaluated content folder, with nothing rendered yet.
  public static func renderer(for request: Request) throws(Failure) -> SiteRenderer {
    try prepare(request).renderer
  }

  private static func prepare(
    _ request: Request, stamp: FolderStamp? = nil, known: Bool = false, cache: ParseCache? = nil,
    keying: Bool = false, timings: Timings = Timings()
  ) throws(Failure) -> (renderer: SiteRenderer, diagnostics: [Diagnostic], listing: FolderJail.Listing) {
    let walked: FolderJail.Listing
    let loaded: ContentLoader.Result
    do {
      if let stamp, let cache {
        // The record's stamp: each file's, taken before any was read.
        walked = stamp.listing
        loaded = ContentFolder.load(stamp: stamp, cache: cache, known: known)
      } else {
        walked =
          try stamp?.listing ?? FolderJail.list(request.content, only: ContentFolder.topLevel, what: "content folder")
        loaded = try ContentFolder.load(request.content, listing: walked, cache: cache)
      }
    } catch {
      throw .io(String(describing: error))
    }
    timings.lap("load")
    guard !loaded.diagnostics.hasErrors else {
      throw .content(diagnostics: loaded.diagnostics, sources: loaded.content.sources)
    }
    let templates: TemplateSet
    do {
      templates = try TemplateSet.load(overlay: request.templates)
    } catch {
      throw .templates(diagnostics: error.diagnostics, sources: error.sources)
    }
    timings.lap("templates")
    let content = loaded.content
    let asOf = request.date(site: content.site).day
    let contentName = request.content.standardizedFileURL.lastPathComponent
    // With `keying`, the output keys and the memo's are made on another thread while every core evaluates:
    // they read the content alone, and made after it, on one core, they were a tenth of a record edit at
    // 10,000 partners.
    let keying =
      keying
      ? Background {
        let input = SiteRenderer.keys(of: content, asOf: asOf, contentName: contentName, search: request.search)
        return (input: input, made: SiteRenderer.memoKeys(input, content: content, templates: templates))
      } : nil
    var renderer = renderer(for: content, asOf: asOf, contentName: contentName, templates: templates)
    renderer.search = request.search
    if let keys = keying?.value {
      renderer.inputKeys = keys.input
      renderer.madeMemoKeys = keys.made
    }
    timings.lap("evaluate")
    return (renderer, loaded.diagnostics, walked)
  }

  /// Evaluates checked content on every core and makes its renderer: the one place evaluation meets
  /// rendering, for content read from a folder or made in memory (the fuzzing harness, tests).
  public static func renderer(for content: Content, asOf: Day, contentName: String, templates: TemplateSet)
    -> SiteRenderer
  {
    let evaluations = Evaluator(standards: content.standards)
      .evaluate(content.partners, cases: content.cases, asOf: asOf) { $0.parallelMap($1) }
    return SiteRenderer(
      content: content, evaluations: evaluations, asOf: asOf, contentName: contentName, templates: templates)
  }

  // A build writes into the output folder and removes what it made there before: never let that be the
  // content or templates, a git repository, a home folder or the root.
  private static func checkOutputIsSafe(_ folder: URL, request: Request) throws(Failure) {
    let home = ProcessInfo.processInfo.environment["HOME"].map { URL(fileURLWithPath: $0, isDirectory: true) }
    if let reason = OutputFolder.refusal(folder, content: request.content, templates: request.templates, home: home) {
      throw .refused("refusing to build into '\(folder.path)': \(reason); choose another --output")
    }
  }
}

extension TemplateSet.RenderFailure {
  /// The failure as a template problem, reported against the page template.
  var asBuildFailure: SiteBuilder.Failure {
    .templates(
      diagnostics: [Diagnostic(.error, at: SourceLocation(file: "\(template).mustache"), message)], sources: [:])
  }
}

extension Day {
  /// Today in UTC.
  public static func todayUTC(now: Date = Date()) -> Day {
    Day(daysSinceUnixEpoch: Int((now.timeIntervalSince1970 / 86_400).rounded(.down)))
  }
}
