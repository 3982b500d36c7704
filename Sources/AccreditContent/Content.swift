public import AccreditEngine
import AccreditMarkdown

/// A case's notes and their HTML, each kept as read (`NoteText`: from the parse cache, bytes decoded when
/// a case page asks for them).
public struct RenderedNotes: Sendable {
  /// The notes, as the case file holds them.
  public let notes: NoteText
  /// `Markdown.html(from: notes)`.
  public let html: NoteText

  /// The notes `notes` and their HTML `html`.
  public init(notes: NoteText, html: NoteText) {
    self.notes = notes
    self.html = html
  }
}

extension Content {
  /// `escalation`'s notes as HTML: as parsed with its file when that was these notes, else made now.
  public func html(ofNotes escalation: EscalationCase) -> String {
    if let rendered = notesHTML[escalation.location.file], rendered.notes == escalation.noteText {
      return rendered.html.text
    }
    return Markdown.html(from: escalation.notes)
  }
}

/// Everything `content/` holds, loaded and checked.
public struct Content: Sendable {
  /// `site.yaml`.
  public var site: SiteSettings
  /// `standards.yaml`.
  public var standards: Standards
  /// Partner records, by slug. Any change to them forgets `recordDataHashes`.
  public var partners: [Partner] {
    didSet { recordDataHashes = [:] }
  }
  /// Escalation cases, by partner slug then case id. Any change to them forgets `caseDataHashes`.
  public var cases: [EscalationCase] {
    didSet { caseDataHashes = [:] }
  }
  /// FAQ entries, by `order` then slug.
  public var faq: [FAQEntry]
  /// Free pages, by `order` then slug.
  public var pages: [Page]
  /// The decoded text of the files read, by path, for diagnostics' source lines. A file the parse cache
  /// answered for is not read, and is here only when a diagnostic names it.
  public var sources: [String: SourceText]
  /// A stable hash of every file's bytes, by path: what incremental builds compare. Any change to them
  /// forgets `inputPaths`.
  public var inputHashes: [String: UInt64] {
    didSet { inputPaths = [] }
  }
  /// The paths of `inputHashes`, sorted, as the loader had them in order: the output keys take them from
  /// here, when they are here, rather than sorting every path again (a thirtieth of a record edit at
  /// 10,000 partners).
  public internal(set) var inputPaths: [String] = []
  /// Each case file's front-matter hash (`ContentFolder.caseHead`), by path: what tells a note edit.
  public var caseHeads: [String: UInt64] = [:]
  /// Each case's notes as HTML, by case file path, made when the file was parsed and kept in the parse
  /// cache with it: a build whose case files did not change runs no Markdown. Pages use an entry only
  /// when its notes are the case's (`html(ofNotes:)`).
  public var notesHTML: [String: RenderedNotes] = [:]
  /// Each case's data hash (`EscalationCase.dataHash`), by case file path, as the loader had it from the
  /// parse cache (made when the file was parsed): the output keys take a case's from here, when it is here,
  /// rather than coding the case again. Emptied whenever `cases` changes, so it never speaks for a case
  /// edited since.
  public internal(set) var caseDataHashes: [String: UInt64] = [:]
  /// Each record's `Partner.evaluatedHash`, by record file path, as the loader had it from the parse cache
  /// (made when the file was parsed), for the reason `caseDataHashes` is; emptied whenever `partners`
  /// changes.
  public internal(set) var recordDataHashes: [String: UInt64] = [:]

  /// Creates a content tree.
  public init(
    site: SiteSettings, standards: Standards, partners: [Partner], cases: [EscalationCase], faq: [FAQEntry],
    pages: [Page], sources: [String: SourceText] = [:], inputHashes: [String: UInt64] = [:]
  ) {
    self.site = site
    self.standards = standards
    self.partners = partners
    self.cases = cases
    self.faq = faq
    self.pages = pages
    self.sources = sources
    self.inputHashes = inputHashes
  }
}

extension Content {
  /// The content after a case file was saved with its notes alone changed (its front matter as it was):
  /// its case, at `index` in `cases`, is now `escalation`, and its bytes hash to `hash`. Changed in place,
  /// and the tables that speak for every case's data and every file's path (`caseDataHashes`,
  /// `inputPaths`) are kept, since neither changed: a record edit after a note edit still takes them
  /// whole. `notesHTML` keeps the old notes' entry, which `html(ofNotes:)` no longer takes for this case.
  public mutating func replaceNotes(at index: Int, with escalation: EscalationCase, hash: UInt64) {
    let (dataHashes, paths) = (caseDataHashes, inputPaths)
    cases[index] = escalation
    inputHashes[escalation.location.file] = hash
    (caseDataHashes, inputPaths) = (dataHashes, paths)
  }
}

/// Site settings (`site.yaml`).
public struct SiteSettings: Sendable {
  /// Shown in every page's header and title.
  public var title: String
  /// The site's absolute address, for the sitemap and the feed.
  public var baseURL: String
  /// A fixed evaluation date, when the site pins one.
  public var asOf: Day?
  /// Whether `build` indexes the site with Pagefind when neither `--search` nor `--no-search` is given;
  /// nil when `site.yaml` does not say (no index).
  public var search: Bool?

  /// The settings used when `site.yaml` is absent.
  public static let defaults = SiteSettings(
    title: "Partner Accreditation Status", baseURL: "http://localhost/", asOf: nil)

  /// Creates site settings.
  public init(title: String, baseURL: String, asOf: Day?, search: Bool? = nil) {
    self.title = title
    self.baseURL = baseURL
    self.asOf = asOf
    self.search = search
  }
}

/// One FAQ entry (`faq/<slug>.md`).
public struct FAQEntry: Sendable, Equatable {
  /// The file name without `.md`: the entry's anchor.
  public var slug: String
  /// The question.
  public var question: String
  /// Sort position; entries without one come last.
  public var order: Int?
  /// The answer, in Markdown.
  public var body: String
  /// The file.
  public var location: SourceLocation
}

/// One free page (`pages/<slug>.md`).
public struct Page: Sendable, Equatable {
  /// The file name without `.md`.
  public var slug: String
  /// The page title.
  public var title: String
  /// Sort position; pages without one come last.
  public var order: Int?
  /// The body, in Markdown.
  public var body: String
  /// The file.
  public var location: SourceLocation
}

/// A file of the content folder, as bytes, with its path relative to the folder (`/` separated).
public struct ContentFile: Sendable {
  /// The path relative to the content folder.
  public var path: String
  /// The file's bytes.
  public var bytes: [UInt8]

  /// Creates a content file.
  public init(path: String, bytes: [UInt8]) {
    self.path = path
    self.bytes = bytes
  }

  /// Creates a content file from text (for tests and generators).
  public init(path: String, text: String) {
    self.init(path: path, bytes: Array(text.utf8))
  }
}
