public import AccreditEngine

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

  /// Loads `files`, whose paths are relative to the content folder.
  public static func load(_ files: [ContentFile]) -> Result {
    let sink = DiagnosticSink()
    var sources: [String: SourceText] = [:]
    var layout = Layout()
    for file in files.sorted(by: { $0.path < $1.path }) {
      guard let kind = layout.classify(file.path, sink: sink) else { continue }
      switch SourceText.decode(file.bytes, path: file.path) {
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
    } else if layout.standards == nil {
      sink.error(
        "no standards file: add standards.yaml to the content folder", at: SourceLocation(file: "standards.yaml"))
    }

    var partners: [Partner] = []
    var cases: [(EscalationCase, isComplete: Bool)] = []
    var faq: [FAQEntry] = []
    var pages: [Page] = []
    for (kind, source) in layout.files {
      switch kind {
      case .partner(let slug):
        if let partner = PartnerLoader.load(source, slug: slug, standards: standards, sink: sink) {
          partners.append(partner)
        }
      case .escalation(let partner, let id):
        if let loaded = CaseLoader.load(source, id: id, partnerSlug: partner, standards: standards, sink: sink) {
          cases.append(loaded)
        }
      case .faq(let slug):
        if let entry = DocumentLoader.faq(source, slug: slug, sink: sink) { faq.append(entry) }
      case .page(let slug):
        if let page = DocumentLoader.page(source, slug: slug, sink: sink) { pages.append(page) }
      case .site, .standards:
        break
      }
    }

    for (escalation, isComplete) in cases where isComplete {
      CaseValidation.check(escalation, sink: sink)
    }
    CrossReferences.check(
      partners: partners, partnerFiles: layout.partnerSlugs, cases: cases.map(\.0), sink: sink)

    let content = Content(
      site: site,
      standards: standards ?? Standards.empty,
      partners: partners.sorted { $0.slug < $1.slug },
      cases: cases.map(\.0).sorted { ($0.partnerSlug, $0.id) < ($1.partnerSlug, $1.id) },
      faq: faq.sorted { ($0.order ?? Int.max, $0.slug) < ($1.order ?? Int.max, $1.slug) },
      pages: pages.sorted { ($0.order ?? Int.max, $0.slug) < ($1.order ?? Int.max, $1.slug) },
      sources: sources)
    return Result(content: content, diagnostics: sink.diagnostics.sorted())
  }
}

extension Standards {
  /// Standards with nothing in them, for content whose standards file could not be read.
  static let empty = Standards(
    tiers: [], eligibleTiers: [], tierReviewMonths: [], evaluationIntervalMonths: 6, marksReviewThreshold: 3,
    universalCertifications: [], certifications: [], accreditations: [])
}
