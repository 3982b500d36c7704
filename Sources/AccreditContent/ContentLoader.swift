import AccreditEngine
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

  /// Loads `files` and the files `reused` from the parse cache without reading them (see `ContentFolder`).
  static func load(
    _ files: [ContentFile], reused: [(path: String, entry: ParseCache.Entry)], problems: [Diagnostic],
    cache: ParseCache?
  ) -> Result {
    let sink = DiagnosticSink()
    sink.append(contentsOf: problems)
    var sources: [String: SourceText] = [:]
    var layout = Layout()
    let sorted = files.sorted(by: { $0.path < $1.path })
    // A file whose bytes the cache has seen is not decoded again (UTF-8 checked, line endings normalised).
    let decoded = sorted.parallelMap { file in
      let hash = StableHash.of(file.bytes)
      let decoding: Swift.Result<SourceText, Diagnostic>
      if let source = cache?.text(file.path, hash: hash) {
        decoding = .success(source)
      } else {
        decoding = SourceText.decode(file.bytes, path: file.path)
        if case .success(let source) = decoding { cache?.store(source, hash: hash) }
      }
      return (hash, decoding, Layout.kind(of: file.path))
    }
    var hashes: [String: UInt64] = [:]
    hashes.reserveCapacity(sorted.count + reused.count)
    sources.reserveCapacity(sorted.count)
    layout.files.reserveCapacity(sorted.count)
    // Registered in path order, files the cache answered for among the rest, so that of two clashing
    // names the same one is reported whatever the cache holds.
    var registered: [String: Layout.Kind] = [:]
    let classifications =
      reused.map { ($0.path, Layout.kind(of: $0.path)) } + zip(sorted, decoded).map { ($0.path, $1.2) }
    for (path, classified) in classifications.sorted(by: { $0.0 < $1.0 }) {
      if let problem = classified.problem { sink.append(contentsOf: [problem]) }
      if let kind = classified.kind.flatMap({ layout.register($0, path: path, sink: sink) }) { registered[path] = kind }
    }
    var reusedEntries: [(path: String, entry: ParseCache.Entry)] = []
    for (path, entry) in reused where registered[path] != nil {
      hashes[path] = entry.hash
      reusedEntries.append((path, entry))
    }
    for (file, (hash, decoding, _)) in zip(sorted, decoded) {
      guard let kind = registered[file.path] else { continue }
      hashes[file.path] = hash
      switch decoding {
      case .success(let source):
        sources[file.path] = source
        layout.files.append((kind, source))
      case .failure(let diagnostic):
        sink.append(contentsOf: [diagnostic])
      }
    }

    let site = layout.site.flatMap { sources[$0] }.map { SiteLoader.load($0, sink: sink) } ?? .defaults
    var standards: Standards?
    if let path = layout.standards, let source = sources[path] {
      standards = StandardsLoader.load(source, sink: sink)
    } else if layout.standards == nil, !problems.contains(where: { $0.location.file == "standards.yaml" }) {
      sink.error(
        "no standards file: add standards.yaml to the content folder", at: SourceLocation(file: "standards.yaml"))
    }

    // Every file parses on its own, so the files are read on every core, each with its own sink.
    let standardsRead = standards
    let standardsHash = layout.standards.flatMap { hashes[$0] } ?? 0
    let fileHashes = hashes
    let parsed = layout.files.parallelMap { (kind, source) -> ParseCache.Entry in
      let hash = fileHashes[source.path] ?? 0
      let cacheKey = ParseCache.key(hash: hash, standards: standardsHash, path: source.path)
      if let cached = cache?.lookup(source.path, key: cacheKey) { return cached }
      let fileSink = DiagnosticSink()
      var head: UInt64?
      let item: LoadedFile
      switch kind {
      case .partner(let slug):
        item = .partner(PartnerLoader.load(source, slug: slug, standards: standardsRead, sink: fileSink))
      case .escalation(let partner, let id):
        let loaded = CaseLoader.load(source, id: id, partnerSlug: partner, standards: standardsRead, sink: fileSink)
        if let loaded, loaded.isComplete { CaseValidation.check(loaded.escalation, sink: fileSink) }
        item = .escalation(loaded?.escalation)
        head = loaded?.head
      case .faq(let slug):
        item = .faq(DocumentLoader.faq(source, slug: slug, sink: fileSink))
      case .page(let slug):
        item = .page(DocumentLoader.page(source, slug: slug, sink: fileSink))
      case .site, .standards:
        item = .none
      }
      let entry = ParseCache.Entry(
        key: cacheKey, hash: hash, item: item, diagnostics: fileSink.diagnostics, head: head)
      cache?.store(source.path, entry)
      return entry
    }
    cache?.keep(only: Set(layout.files.map { $0.1.path } + reused.map(\.path)))
    var partners: [Partner] = []
    var cases: [EscalationCase] = []
    var faq: [FAQEntry] = []
    var pages: [Page] = []
    var heads: [String: UInt64] = [:]
    for (path, entry) in zip(layout.files.map(\.1.path), parsed) + reusedEntries {
      sink.append(contentsOf: entry.diagnostics)
      heads[path] = entry.head
      switch entry.item {
      case .partner(let partner?): partners.append(partner)
      case .escalation(let escalation?): cases.append(escalation)
      case .faq(let entry?): faq.append(entry)
      case .page(let page?): pages.append(page)
      default: break
      }
    }

    CrossReferences.check(partners: partners, partnerFiles: layout.partnerSlugs, cases: cases, sink: sink)

    var content = Content(
      site: site,
      standards: standards ?? Standards.empty,
      partners: partners.sorted { $0.slug < $1.slug },
      cases: cases.sorted { ($0.partnerSlug, $0.id) < ($1.partnerSlug, $1.id) },
      faq: faq.sorted { ($0.order ?? Int.max, $0.slug) < ($1.order ?? Int.max, $1.slug) },
      pages: pages.sorted { ($0.order ?? Int.max, $0.slug) < ($1.order ?? Int.max, $1.slug) },
      sources: sources, inputHashes: hashes)
    content.caseHeads = heads
    return Result(content: content, diagnostics: sink.diagnostics.sorted())
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
}

/// One file's result, before the results are gathered.
enum LoadedFile: Sendable {
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
