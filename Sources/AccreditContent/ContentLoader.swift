import AccreditEngine
import AccreditMarkdown
import Synchronization
import AccreditSupport

/// Loads and validates a content tree given as files: every problem in every file, in one pass.
///
/// Pure over its input (no file system), so tests hand it files made in memory; `ContentFolder`
/// reads them from disk.
public enum ContentLoader {
  /// The result of a load: the content (usable only when there are no errors) and every diagnostic, sorted.
  public struct Result: Sendable {
    /// The content read; entries with errors are left out.
    public var content: Content
    /// Every problem found, sorted by file, line and column.
    public var diagnostics: [Diagnostic]
  }

  /// Loads `files`, whose paths are relative to the content folder. With a `cache`, files whose bytes
  /// (and the standards) did not change since the last load are not parsed again. `problems` are errors
  /// about entries that could not be read (see `ContentFolder`), reported with the rest.
  public static func load(_ files: [ContentFile], problems: [Diagnostic] = [], cache: ParseCache? = nil) -> Result {
    load(files, reused: [], problems: problems, cache: cache)
  }

  /// Loads `files` and the files `reused` from the parse cache without reading them (see `ContentFolder`):
  /// decoded, registered in the layout, the settings and standards read, every file parsed, gathered.
  /// `known`: their paths are those of a load that had no error (`ContentFolder.load(stamp:cache:known:)`).
  static func load(
    _ files: [ContentFile], reused: [(path: String, entry: ParseCache.Entry)], problems: [Diagnostic],
    cache: ParseCache?, known: Bool = false
  ) -> Result {
    let sink = DiagnosticSink()
    sink.append(contentsOf: problems)
    let read = register(decode(files, cache: cache), reused: reused, sink: sink, known: known)
    let site = read.layout.site.flatMap { read.sources[$0] }.map { SiteLoader.load($0, sink: sink) } ?? .defaults
    var standards: Standards?
    if let path = read.layout.standards, let source = read.sources[path] {
      standards = StandardsLoader.load(source, sink: sink)
    } else if read.layout.standards == nil, !problems.contains(where: { $0.location.file == "standards.yaml" }) {
      sink.error(
        "no standards file: add standards.yaml to the content folder", at: SourceLocation(file: "standards.yaml"))
    }
    let parsed = parse(read, standards: standards, cache: cache)
    cache?.keep(count: read.layout.files.count + reused.count) {
      read.layout.files.map { $0.1.path } + reused.map(\.path)
    }
    // The files parsed, beside the reused ones: one array of both copied each of thousands of entries.
    let parsedEntries = zip(read.layout.files.map(\.1.path), parsed).map { (path: $0, entry: $1) }
    // The tables by path on another core, while this one gathers the entries into the content's lists and
    // checks their cross-references: on one core, the two were a seventh of a record edit at 10,000
    // partners.
    let (entries, hashes, paths) = (read.entries, read.hashes, read.paths)
    let tables = Background { Tables(entries, parsedEntries, hashes: hashes, paths: paths) }
    var content = gather(read.entries, parsedEntries, site: site, standards: standards, sink: sink)
    CrossReferences.check(
      partners: content.partners, partnerFiles: read.layout.partnerSlugs, cases: content.cases, sink: sink)
    content.sources = read.sources
    tables.value.fill(&content)
    return Result(content: content, diagnostics: sink.diagnostics.sorted())
  }

  /// A file decoded (UTF-8 checked, line endings normalised), with its bytes' hash and its kind.
  private typealias Decoded = (
    file: ContentFile, hash: UInt64, decoding: Swift.Result<SourceText, Diagnostic>,
    kind: (kind: Layout.Kind?, problem: Diagnostic?)
  )

  /// What registering the files in the layout leaves: the files to parse, their sources, every file's hash,
  /// and the entries the cache answered for.
  private struct Registered {
    var layout = Layout()
    var sources: [String: SourceText] = [:]
    var hashes: [String: UInt64] = [:]
    /// The paths of `hashes`, in the order they came (`Tables` adds the reused files').
    var paths: [String] = []
    var entries: [(path: String, entry: ParseCache.Entry)] = []
  }

  /// `files` in path order, decoded on every core. A file whose bytes the cache has seen is not decoded
  /// again.
  private static func decode(_ files: [ContentFile], cache: ParseCache?) -> [Decoded] {
    files.sorted(by: { $0.path < $1.path }).parallelMap { file in
      let hash = StableHash.of(file.bytes)
      let decoding: Swift.Result<SourceText, Diagnostic>
      if let source = cache?.text(file.path, hash: hash) {
        decoding = .success(source)
      } else {
        decoding = SourceText.decode(file.bytes, path: file.path)
        if case .success(let source) = decoding { cache?.store(source, hash: hash) }
      }
      return (file, hash, decoding, Layout.kind(of: file.path))
    }
  }

  /// Registers the decoded files and those `reused` from the cache in the layout, in path order (files
  /// the cache answered for among the rest, so that of two clashing names the same one is reported
  /// whatever the cache holds); a file the layout refuses is left out. With `known` (the paths of a load
  /// that had no error), no two names clash and none is a duplicate: only the files the load reads from
  /// the layout are put in it, in any order (sorting and checking every path was a fifth of a record edit's
  /// load at 1,000 partners).
  private static func register(
    _ decoded: [Decoded], reused: [(path: String, entry: ParseCache.Entry)], sink: DiagnosticSink, known: Bool
  ) -> Registered {
    var read = Registered()
    read.hashes.reserveCapacity(decoded.count)
    read.sources.reserveCapacity(decoded.count)
    read.layout.files.reserveCapacity(decoded.count)
    // The paths the layout refuses (few): a file the layout takes keeps the kind its path gave.
    var refused: Set<String> = []
    if known {
      // A reused entry was parsed as what its path says (its key holds the path): of those, the layout
      // needs the records' slugs alone (classifying every path was a tenth of a record edit at 10,000
      // partners).
      for (path, entry) in reused {
        guard case .partner = entry.item, let kind = Layout.kind(of: path).kind else { continue }
        read.layout.record(kind, path: path)
      }
      for item in decoded {
        if let problem = item.kind.problem { sink.append(contentsOf: [problem]) }
        if let kind = item.kind.kind {
          read.layout.record(kind, path: item.file.path)
        } else {
          refused.insert(item.file.path)
        }
      }
    } else {
      // Classifying the paths of thousands of reused files on one core was a tenth of loading them.
      let classifications =
        reused.map(\.path).parallelMap { ($0, Layout.kind(of: $0)) } + decoded.map { ($0.file.path, $0.kind) }
      read.layout.prepare(for: classifications.lazy.map(\.0))
      for (path, classified) in classifications.sorted(by: { $0.0 < $1.0 }) {
        if let problem = classified.problem { sink.append(contentsOf: [problem]) }
        if classified.kind.flatMap({ read.layout.register($0, path: path, sink: sink) }) == nil {
          refused.insert(path)
        }
      }
    }
    // The reused entries' array itself when the layout refuses none (a copy of each entry, a reference
    // count of every one of thousands, was a tenth of a record edit's load).
    read.entries = refused.isEmpty ? reused : reused.filter { !refused.contains($0.path) }
    for item in decoded where refused.isEmpty || !refused.contains(item.file.path) {
      guard let kind = item.kind.kind else { continue }
      read.hashes[item.file.path] = item.hash
      read.paths.append(item.file.path)
      switch item.decoding {
      case .success(let source):
        read.sources[item.file.path] = source
        read.layout.files.append((kind, source))
      case .failure(let diagnostic):
        sink.append(contentsOf: [diagnostic])
      }
    }
    return read
  }

  /// Every registered file parsed, on every core (each parses on its own, with its own sink), or taken
  /// from the cache when its bytes, path and the standards are as they were.
  private static func parse(_ read: Registered, standards: Standards?, cache: ParseCache?) -> [ParseCache.Entry] {
    let standardsHash = read.layout.standards.flatMap { read.hashes[$0] } ?? 0
    let hashes = read.hashes
    return read.layout.files.parallelMap { (kind, source) -> ParseCache.Entry in
      let hash = hashes[source.path] ?? 0
      let cacheKey = ParseCache.key(hash: hash, standards: standardsHash, path: source.path)
      if let cached = cache?.lookup(source.path, key: cacheKey) { return cached }
      let fileSink = DiagnosticSink()
      let (item, head) = parse(source, as: kind, standards: standards, sink: fileSink)
      // A case's notes as HTML, made here on every core and kept in the cache: Markdown was a twentieth of
      // a build that renders every case page.
      var escalation: EscalationCase?
      var dataHash: UInt64?
      switch item {
      case .escalation(let parsed?):
        escalation = parsed
        dataHash = parsed.dataHash
      case .partner(let partner?): dataHash = partner.evaluatedHash
      default: break
      }
      let entry = ParseCache.Entry(
        key: cacheKey, hash: hash, item: item, diagnostics: fileSink.diagnostics, head: head, dataHash: dataHash,
        notesHTML: escalation.map { NoteText(Markdown.html(from: $0.notes)) })
      cache?.store(source.path, entry)
      return entry
    }
  }

  /// One file parsed as what the layout says it is; a case file's front-matter hash besides.
  private static func parse(_ source: SourceText, as kind: Layout.Kind, standards: Standards?, sink: DiagnosticSink)
    -> (LoadedFile, head: UInt64?)
  {
    switch kind {
    case .partner(let slug):
      return (.partner(PartnerLoader.load(source, slug: slug, standards: standards, sink: sink)), nil)
    case .escalation(let partner, let id):
      let loaded = CaseLoader.load(source, id: id, partnerSlug: partner, standards: standards, sink: sink)
      if let loaded, loaded.isComplete { CaseValidation.check(loaded.escalation, sink: sink) }
      return (.escalation(loaded?.escalation), loaded?.head)
    case .faq(let slug):
      return (.faq(DocumentLoader.faq(source, slug: slug, sink: sink)), nil)
    case .page(let slug):
      return (.page(DocumentLoader.page(source, slug: slug, sink: sink)), nil)
    case .site, .standards:
      return (.none, nil)
    }
  }

  /// The files reused from the cache and those parsed, gathered into content, each kind in its order; their
  /// diagnostics into `sink`.
  private static func gather(
    _ reused: [(path: String, entry: ParseCache.Entry)], _ parsed: [(path: String, entry: ParseCache.Entry)],
    site: SiteSettings, standards: Standards?, sink: DiagnosticSink
  ) -> Content {
    var partners: [Partner] = []
    var cases: [EscalationCase] = []
    var faq: [FAQEntry] = []
    var pages: [Page] = []
    cases.reserveCapacity(reused.count + parsed.count)
    for (_, entry) in [reused, parsed].joined() {
      if !entry.diagnostics.isEmpty { sink.append(contentsOf: entry.diagnostics) }
      switch entry.item {
      case .partner(let partner?): partners.append(partner)
      case .escalation(let escalation?): cases.append(escalation)
      case .faq(let entry?): faq.append(entry)
      case .page(let page?): pages.append(page)
      default: break
      }
    }
    // Sorted by their keys read once, not from each one's box at every comparison.
    var keyedPartners = partners.map { (slug: $0.slug, partner: $0) }
    keyedPartners.sort { $0.slug < $1.slug }
    var keyedCases = cases.map { (partner: $0.partnerSlug, id: $0.id, escalation: $0) }
    keyedCases.sort { ($0.partner, $0.id) < ($1.partner, $1.id) }
    return Content(
      site: site,
      standards: standards ?? Standards.empty,
      partners: keyedPartners.map(\.partner),
      cases: keyedCases.map(\.escalation),
      faq: faq.sorted(by: Content.inSiteOrder), pages: pages.sorted(by: Content.inSiteOrder),
      sources: [:], inputHashes: [:])
  }

  /// The content's tables by path, made from the files reused from the cache and those parsed (`gather`
  /// makes the rest): each file's front-matter hash, each case's notes as HTML and data hash, each record's
  /// data hash, and every file's bytes' hash with the paths in order.
  private struct Tables: Sendable {
    var heads: [String: UInt64] = [:]
    var notesHTML: [String: RenderedNotes] = [:]
    var caseData: [String: UInt64] = [:]
    var recordData: [String: UInt64] = [:]
    var hashes: [String: UInt64]
    var paths: [String]

    /// The tables of the files `reused` and `parsed`, with `hashes` and `paths` (those of the files read)
    /// completed with the reused files'.
    init(
      _ reused: [(path: String, entry: ParseCache.Entry)], _ parsed: [(path: String, entry: ParseCache.Entry)],
      hashes: [String: UInt64], paths: [String]
    ) {
      let count = reused.count + parsed.count
      self.hashes = hashes
      self.hashes.reserveCapacity(hashes.count + reused.count)
      self.paths = paths
      heads.reserveCapacity(count)
      caseData.reserveCapacity(count)
      notesHTML.reserveCapacity(count)
      for (path, entry) in reused {
        self.hashes[path] = entry.hash
        self.paths.append(path)
      }
      for (path, entry) in [reused, parsed].joined() {
        heads[path] = entry.head
        switch entry.item {
        case .partner(let partner?): recordData[partner.location.file] = entry.dataHash
        case .escalation(let escalation?):
          caseData[escalation.location.file] = entry.dataHash
          if let html = entry.notesHTML {
            notesHTML[escalation.location.file] = RenderedNotes(notes: escalation.noteText, html: html)
          }
        default: break
        }
      }
    }

    /// Puts the tables in `content`, its lists made.
    func fill(_ content: inout Content) {
      content.caseHeads = heads
      content.notesHTML = notesHTML
      content.caseDataHashes = caseData
      content.recordDataHashes = recordData
      content.inputHashes = hashes
      // Two runs in order, the files read and the reused files' (each in path order): one merge.
      content.inputPaths = paths.sorted()
    }
  }
}

extension ContentLoader {
  /// One partner record read alone (`partners/<slug>.yaml`), checked against `standards`: what the preview
  /// server's record edit needs. The record is nil when the file has an error: the caller then loads the
  /// whole folder, which reports it with every other diagnostic, as a build does. Warnings that compare the
  /// record with the cases (`CrossReferences`) are not made here: only a whole load reports them.
  public static func loadRecord(_ file: ContentFile, standards: Standards) -> (partner: Partner, source: SourceText)? {
    guard case .partner(let slug)? = Layout.kind(of: file.path).kind,
      case .success(let source) = SourceText.decode(file.bytes, path: file.path)
    else { return nil }
    let sink = DiagnosticSink()
    guard let partner = PartnerLoader.load(source, slug: slug, standards: standards, sink: sink),
      !sink.diagnostics.hasErrors
    else { return nil }
    return (partner, source)
  }

  /// One case file read alone (`cases/<partner>/<id>.md`), checked against `standards` as a whole load
  /// checks it: what the preview server's case edit needs. Nil when the file has any diagnostic, even a
  /// warning (the caller then loads the whole folder, which reports it with every other diagnostic, as a
  /// build does). The cross-references (`CrossReferences`: the case's partner, its accreditation held)
  /// are the caller's to check against the records it has.
  public static func loadCase(_ file: ContentFile, standards: Standards) -> (
    escalation: EscalationCase, source: SourceText, head: UInt64
  )? {
    guard case .escalation(let partnerSlug, let id)? = Layout.kind(of: file.path).kind,
      case .success(let source) = SourceText.decode(file.bytes, path: file.path)
    else { return nil }
    let sink = DiagnosticSink()
    guard
      let loaded = CaseLoader.load(source, id: id, partnerSlug: partnerSlug, standards: standards, sink: sink),
      loaded.isComplete
    else { return nil }
    CaseValidation.check(loaded.escalation, sink: sink)
    guard sink.diagnostics.isEmpty else { return nil }
    return (loaded.escalation, source, loaded.head)
  }
}

extension ContentLoader {
  /// A FAQ entry or a free page, read alone.
  public enum Document: Sendable, Equatable {
    case faq(FAQEntry)
    case page(Page)
  }

  /// One FAQ entry (`faq/<slug>.md`) or free page (`pages/<slug>.md`) read alone: what the preview
  /// server's document edit needs. Nil when the file has any diagnostic, even a warning (the caller then
  /// loads the whole folder, which reports it with every other diagnostic, as a build does).
  public static func loadDocument(_ file: ContentFile) -> (document: Document, source: SourceText)? {
    guard let kind = Layout.kind(of: file.path).kind,
      case .success(let source) = SourceText.decode(file.bytes, path: file.path)
    else { return nil }
    let sink = DiagnosticSink()
    let document: Document?
    switch kind {
    case .faq(let slug): document = DocumentLoader.faq(source, slug: slug, sink: sink).map(Document.faq)
    case .page(let slug): document = DocumentLoader.page(source, slug: slug, sink: sink).map(Document.page)
    default: document = nil
    }
    guard let document, sink.diagnostics.isEmpty else { return nil }
    return (document, source)
  }
}

extension Content {
  /// The order the site shows FAQ entries and free pages in: by `order`, those without one last, then by slug.
  static func inSiteOrder(_ a: some DocumentOrdering, _ b: some DocumentOrdering) -> Bool {
    (a.order ?? Int.max, a.slug) < (b.order ?? Int.max, b.slug)
  }

  /// Puts `document` in place of the FAQ entry or free page read from `path`, in its order; false when the
  /// content has none from that path.
  public mutating func replace(_ document: ContentLoader.Document, at path: String) -> Bool {
    switch document {
    case .faq(let entry):
      guard let index = faq.firstIndex(where: { $0.location.file == path }) else { return false }
      faq[index] = entry
      faq.sort(by: Content.inSiteOrder)
    case .page(let page):
      guard let index = pages.firstIndex(where: { $0.location.file == path }) else { return false }
      pages[index] = page
      pages.sort(by: Content.inSiteOrder)
    }
    return true
  }
}

/// What orders FAQ entries and free pages.
protocol DocumentOrdering {
  var order: Int? { get }
  var slug: String { get }
}

extension FAQEntry: DocumentOrdering {}
extension Page: DocumentOrdering {}

/// One file's result, before the results are gathered. Indirect: a parse cache entry holding it is copied
/// a few times on its way from the cache to the content (one retain rather than one per field of a case).
indirect enum LoadedFile: Sendable {
  case partner(Partner?)
  case escalation(EscalationCase?)
  case faq(FAQEntry?)
  case page(Page?)
  case none
}

extension Standards {
  /// Standards with nothing in them, for content whose standards file could not be read.
  static let empty = Standards(
    tiers: [], eligibleTiers: [], tierReviewMonths: [], evaluationIntervalMonths: 6, marksReviewThreshold: 3,
    universalCertifications: [], certifications: [], accreditations: [])
}
