import AccreditContent
public import Foundation

/// What changed in a site's inputs since the last render, whoever noticed it: the kernel's reports
/// (`ChangeNotifier`), a scan of the folders (`FolderWatcher`), or the stamps of the build record. One
/// planner (`SiteBuilder.plan`) turns it into the work, so that the watchers do not each decide.
public struct ChangeSet: Sendable, Equatable {
  /// What happened to one content file.
  public enum Change: Sendable, Equatable {
    /// A file the last render did not read.
    case added
    /// A file the last render read, whose bytes may differ now.
    case changed
    /// A file the last render read, gone now.
    case removed
  }

  /// What a content file is, by its path (`ContentKind(path:)`).
  public enum ContentKind: Sendable, Equatable {
    /// `partners/<slug>.yaml`.
    case record(slug: String)
    /// `cases/<partner>/<id>.md`.
    case escalation(partner: String, id: String)
    /// `faq/<slug>.md` or `pages/<slug>.md`.
    case document
    /// `site.yaml`.
    case settings
    /// `standards.yaml`.
    case standards
    /// Anything else below the content folder (an ignored file, a folder).
    case other

    /// The kind of the file at `path`, relative to the content folder.
    public init(path: String) {
      if path == "site.yaml" {
        self = .settings
      } else if path == "standards.yaml" {
        self = .standards
      } else if let slug = ContentFolder.recordSlug(path) {
        self = .record(slug: slug)
      } else if let escalation = ContentFolder.casePath(path) {
        self = .escalation(partner: escalation.partner, id: escalation.id)
      } else if (path.hasPrefix("faq/") || path.hasPrefix("pages/")) && path.hasSuffix(".md") {
        self = .document
      } else {
        self = .other
      }
    }
  }

  /// Content files by path relative to the content folder.
  public var content: [String: Change] = [:]
  /// Whether a file of the templates folder changed.
  public var templates = false
  /// Whether the day changed since the last render (today's date counts when no date is fixed).
  public var newDay = false
  /// Whether what changed is not known (events lost, a folder moved or replaced): everything is read again.
  public var isUnknown = false

  /// Creates a change set.
  public init(content: [String: Change] = [:], templates: Bool = false, newDay: Bool = false, isUnknown: Bool = false) {
    self.content = content
    self.templates = templates
    self.newDay = newDay
    self.isUnknown = isUnknown
  }

  /// Whether nothing changed.
  public var isEmpty: Bool { content.isEmpty && !templates && !newDay && !isUnknown }

  /// The changes of the content files at `paths` (relative to `root`), as a watcher that reports paths
  /// alone sees them: each is looked at now, and compared with `known` (the files of the last render). A
  /// file that came and went (vim's `4913` write test, a temporary save) is no change, and neither is a
  /// hidden file (an editor's swap file, a temporary file saved over a record by a rename), which the content
  /// folder's reader and the polling scan skip too.
  public static func touched(_ paths: some Sequence<String>, in root: URL, known: (String) -> Bool) -> [String: Change]
  {
    let prefix = root.standardizedFileURL.path + "/"
    var changes: [String: Change] = [:]
    for path in paths where !path.split(separator: "/").contains(where: { $0.hasPrefix(".") }) {
      var status = stat()
      let exists = lstat(prefix + path, &status) == 0
      switch (known(path), exists) {
      case (true, true): changes[path] = .changed
      case (true, false): changes[path] = .removed
      case (false, true): changes[path] = .added
      case (false, false): continue
      }
    }
    return changes
  }

  /// The changes between two scans of files stamped by absolute path: those below `content` by their path
  /// relative to it, and whether one below `templates` changed (a templates folder inside the content
  /// folder counts as templates).
  public static func between<Stamp: Equatable>(
    _ old: [String: Stamp], _ new: [String: Stamp], content: URL, templates: URL?
  ) -> ChangeSet {
    var changes = ChangeSet()
    let contentPrefix = content.path + "/"
    let templatesPrefix = templates.map { $0.path + "/" }
    func note(_ path: String, _ change: Change) {
      if let templatesPrefix, path.hasPrefix(templatesPrefix) {
        changes.templates = true
      } else if path.hasPrefix(contentPrefix) {
        changes.content[String(path.dropFirst(contentPrefix.count))] = change
      } else {
        changes.isUnknown = true
      }
    }
    for (path, stamp) in new where old[path] != stamp { note(path, old[path] == nil ? .added : .changed) }
    for path in old.keys where new[path] == nil { note(path, .removed) }
    return changes
  }
}

/// What a change set takes (`SiteBuilder.plan`).
public enum RebuildPlan: Sendable, Equatable {
  /// Nothing: no input of the site changed.
  case nothing
  /// Case files edited, possibly their notes alone (`SiteBuilder.renderNoteEdits` tells): their paths.
  case caseEdits([String])
  /// Partner records edited (none added or removed): their paths. Each partner is read and evaluated
  /// again alone, and the pages whose keys changed are rendered (`SiteBuilder.renderRecordEdits`).
  case recordEdits([String])
  /// FAQ entries or free pages edited (none added or removed): their paths. Each is read alone; the FAQ
  /// page, or the free page, is rendered again, and every page only when the navigation changed (a free
  /// page's title or order: `SiteBuilder.renderDocumentEdits`).
  case documentEdits([String])
  /// Partner records or case files added or removed (a file renamed is both), others perhaps edited with
  /// them: what happened to each. Each is read alone, its partner evaluated again
  /// (`SiteBuilder.renderFileChanges`).
  case filesAddedOrRemoved([String: ChangeSet.Change])
  /// Templates or static files of the templates folder edited, and no content file: the templates are
  /// loaded again, and the files rendered with an edited template are rendered from the content and
  /// evaluations in memory (`SiteBuilder.renderTemplateEdits`).
  case templateEdits
  /// The whole build: anything else (a FAQ entry or free page added or removed, the settings, the standards, templates
  /// together with content, a new day, many files at once, or changes not known).
  case whole
}

extension SiteBuilder {
  /// The one decision of what a change set takes, for the preview server and the CLI alike.
  public static func plan(_ changes: ChangeSet) -> RebuildPlan {
    if changes.isUnknown || changes.newDay { return .whole }
    if changes.templates { return changes.content.isEmpty ? .templateEdits : .whole }
    if changes.content.isEmpty { return .nothing }
    guard changes.content.count <= noteEditLimit else { return .whole }
    let paths = changes.content.keys.sorted()
    let kinds = paths.map(ChangeSet.ContentKind.init(path:))
    let casesAlone = kinds.allSatisfy { if case .escalation = $0 { true } else { false } }
    guard changes.content.values.allSatisfy({ $0 == .changed }) else {
      let partnersAndCases = kinds.allSatisfy {
        switch $0 {
        case .record, .escalation: true
        default: false
        }
      }
      return partnersAndCases ? .filesAddedOrRemoved(changes.content) : .whole
    }
    if casesAlone { return .caseEdits(paths) }
    if kinds.allSatisfy({ if case .record = $0 { true } else { false } }) { return .recordEdits(paths) }
    if kinds.allSatisfy({ $0 == .document }) { return .documentEdits(paths) }
    return .whole
  }
}
