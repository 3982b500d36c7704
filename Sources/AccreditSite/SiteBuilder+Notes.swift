import AccreditContent
import AccreditSupport
import AccreditEngine
import Foundation

/// Case notes edited alone: the common edit, and the one a records editor waits on in the preview.
///
/// A case file whose front matter (`ContentFolder.caseHead`) is as it was has the same data and the same
/// diagnostics; only its notes changed, and only its own page shows them (see `InputKeys`). Its page is
/// then rendered from the few files it shows — the settings, the standards, the free pages of the
/// navigation, the partner's record and cases — instead of from the whole folder: at 1,000 partners this
/// is what brings a one-note rebuild from half a second to a few milliseconds. A changed record has its
/// own fast path (`SiteBuilder+Records.swift`); anything else (a new or removed file, a changed front
/// matter, a template) takes the whole build.
extension SiteBuilder {
  /// The most files a change may touch and still be built as case notes edited alone, by the CLI and by
  /// the preview server: more are a checkout or a bulk edit, which the whole build handles better.
  static let noteEditLimit = 100

  /// The render after the case files at `paths` (each in `baseline`'s listing) were saved, when their
  /// notes alone changed: their pages, the only files that change; the baseline takes their new notes, in
  /// place. Nil otherwise, with the baseline as it was (the server then renders the whole site).
  ///
  /// In place, because the baseline's tables are the server's alone: changed in a copy, its cases, input
  /// hashes and output keys (50,000, 60,000 and 92,000 entries at 10,000 partners) were each copied whole
  /// and the old ones freed, four fifths of a note edit's time.
  static func renderNoteEdits(_ request: Request, paths: [String], since baseline: inout Baseline)
    throws(Failure) -> Patch?
  {
    guard let edited = noteEdits(Set(paths), heads: baseline.heads, files: baseline.files),
      let planned = noteJobs(request, edited: edited, files: baseline.files, templates: baseline.templates)
    else { return nil }
    let files: [OutputFile]
    do {
      files = try planned.jobs.map { OutputFile(path: $0.path, bytes: try $0.render(), key: $0.key) }
    } catch let failure as TemplateSet.RenderFailure {
      throw failure.asBuildFailure
    } catch {
      throw .io(String(describing: error))
    }
    // Every change found before any is made, so that a nil leaves the baseline as it was.
    let editedPaths = Set(paths)
    var changed: [(index: Int, escalation: EscalationCase, hash: UInt64)] = []
    for escalation in planned.content.cases where editedPaths.contains(escalation.location.file) {
      guard let index = position(of: escalation, in: baseline.content.cases),
        let hash = planned.content.inputHashes[escalation.location.file]
      else { return nil }
      changed.append((index, escalation, hash))
    }
    guard changed.count == editedPaths.count else { return nil }
    // The last render's context has the cases as they were; it shares their tables, which are copied
    // once, the first time, and it is freed after the patch is served.
    let retired = baseline.site.take()
    for (index, escalation, hash) in changed {
      let path = escalation.location.file
      baseline.content.replaceNotes(at: index, with: escalation, hash: hash)
      baseline.inputKeys.replace(path, hash: hash)
    }
    for file in files { baseline.keys[file.path] = file.key }
    return Patch(files: files, removed: [], baseline: baseline, summary: "case notes edited", retired: retired)
  }

  /// Where the case of `escalation`'s file is among `cases` (in the content's order, by partner slug then
  /// id), found by halving: a scan of 50,000 cases was a tenth of a note edit. Nil when it is not there.
  private static func position(of escalation: EscalationCase, in cases: [EscalationCase]) -> Int? {
    let key = (escalation.partnerSlug, escalation.id)
    var (low, high) = (0, cases.count)
    while low < high {
      let middle = (low + high) / 2
      if (cases[middle].partnerSlug, cases[middle].id) < key { low = middle + 1 } else { high = middle }
    }
    guard low < cases.count, cases[low].location.file == escalation.location.file else { return nil }
    return low
  }

  /// The case files among `changed` and their front-matter hashes now, when every changed path is an
  /// existing case file of `files` whose front matter hashes to `heads[path]`; nil otherwise.
  static func noteEdits(_ changed: Set<String>, heads: [String: UInt64], files: NoteFiles) -> [ContentFile]? {
    guard !changed.isEmpty else { return nil }
    var read: [ContentFile] = []
    for path in changed.sorted() {
      guard ContentFolder.casePath(path) != nil, let head = heads[path], let file = files.byPath[path],
        case .success(let bytes) = FolderJail.read(file),
        case .success(let source) = SourceText.decode(bytes, path: path),
        ContentFolder.caseHead(source) == head
      else { return nil }
      read.append(ContentFile(path: path, bytes: bytes))
    }
    return read
  }

  /// The pages of the case files `edited` (whose notes alone changed), planned from the files those pages
  /// show; nil when those files do not load without errors on their own, or a page is missing.
  static func noteJobs(_ request: Request, edited: [ContentFile], files: NoteFiles, templates: TemplateSet? = nil)
    -> (jobs: [OutputJob], content: Content)?
  {
    let cases = edited.compactMap { ContentFolder.casePath($0.path) }
    guard cases.count == edited.count else { return nil }
    let editedPaths = Set(edited.map(\.path))
    let shown = files.shown(for: Set(cases.map(\.partner))).filter { !editedPaths.contains($0.path) }
    guard let listing = try? ContentFolder.read(request.content, listing: FolderJail.Listing(files: shown)) else {
      return nil
    }
    let loaded = ContentLoader.load(listing.files + edited, problems: listing.problems)
    guard !loaded.diagnostics.hasErrors,
      let templates = templates ?? (try? TemplateSet.load(overlay: request.templates))
    else {
      return nil
    }
    let content = loaded.content
    var renderer = renderer(
      for: content, asOf: request.date(site: content.site).day,
      contentName: request.content.standardizedFileURL.lastPathComponent, templates: templates)
    renderer.search = request.search
    let pages = Set(cases.map { Route.escalation(partner: $0.partner, id: $0.id).file })
    let jobs = renderer.jobs().filter { pages.contains($0.path) }
    return jobs.count == pages.count ? (jobs, content) : nil
  }
}

/// The content folder's files as a note edit needs them: by path, and those a case page shows (the
/// settings, the standards, the free pages; the partner's record and cases), found without a pass over
/// the thousands of others.
struct NoteFiles: Sendable {
  private(set) var byPath: [String: FolderJail.File]
  private let shared: [FolderJail.File]
  private var byPartner: [String: [FolderJail.File]]

  /// Indexes `files`; with `partners`, only the files of those partners and the shared ones (one cheap pass
  /// over a large folder, for a build that knows which partners its edited notes belong to).
  init(_ files: [FolderJail.File], partners: Set<String>? = nil) {
    var byPath: [String: FolderJail.File] = [:]
    var shared: [FolderJail.File] = []
    var byPartner: [String: [FolderJail.File]] = [:]
    let prefixes = partners.map { partners in partners.map { ("cases/\($0)/", $0) } } ?? []
    let records = partners.map { partners in
      Dictionary(partners.flatMap { [("partners/\($0).yaml", $0), ("partners/\($0).yml", $0)] }) { a, _ in a }
    }
    if partners == nil { byPath.reserveCapacity(files.count) }
    for file in files {
      let path = file.path
      let partner: String?
      if path == "site.yaml" || path == "standards.yaml" || path.hasPrefix("pages/") {
        shared.append(file)
        byPath[path] = file
        continue
      } else if let records {
        partner = records[path] ?? prefixes.first { path.hasPrefix($0.0) }?.1
        guard partner != nil else { continue }
      } else {
        partner = Self.partner(of: path)
      }
      byPath[path] = file
      if let partner { byPartner[partner, default: []].append(file) }
    }
    self.byPath = byPath
    self.shared = shared
    self.byPartner = byPartner
  }

  /// Adds or removes the partner record or case file at `path`: `file`, or nil to remove it.
  mutating func setFile(_ path: String, _ file: FolderJail.File?) {
    byPath[path] = file
    guard let partner = Self.partner(of: path) else { return }
    var files = byPartner[partner, default: []].filter { $0.path != path }
    if let file { files.append(file) }
    byPartner[partner] = files.isEmpty ? nil : files.sorted { $0.path < $1.path }
  }

  /// The files the case pages of `partners` show.
  func shown(for partners: Set<String>) -> [FolderJail.File] {
    shared + partners.sorted().flatMap { byPartner[$0] ?? [] }
  }

  /// The partner a record (`partners/<slug>.yaml`) or a file of its cases (`cases/<slug>/…`) belongs to.
  private static func partner(of path: String) -> String? {
    if path.hasPrefix("partners/") {
      let name = path.dropFirst("partners/".count)
      guard !name.contains("/") else { return nil }
      for suffix in [".yaml", ".yml"] where name.hasSuffix(suffix) { return String(name.dropLast(suffix.count)) }
    } else if path.hasPrefix("cases/") {
      let rest = path.dropFirst("cases/".count)
      return rest.firstIndex(of: "/").map { String(rest[..<$0]) }
    }
    return nil
  }
}
