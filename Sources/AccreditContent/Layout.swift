import AccreditEngine

/// Where each file of the content folder belongs, decided from its path alone.
struct Layout {
  enum Kind {
    case site, standards
    case partner(slug: String)
    case escalation(partner: String, id: String)
    case faq(slug: String)
    case page(slug: String)
  }

  /// The folders of the content root that hold content files.
  static let folders = ["partners", "cases", "faq", "pages"]

  var files: [(Kind, SourceText)] = []
  var site: String?
  var standards: String?
  /// Partner slug → the record's path, for duplicate and orphan checks.
  var partnerSlugs: [String: String] = [:]
  private var caseIDs: [String: String] = [:]
  /// Names folded to lower case (`partners/x`, `cases/p/x`, `cases/p`, `faq/x`, `pages/x`) → the path
  /// first seen with that name, to find names that differ only in case.
  private var folded: [String: String] = [:]
  private var clashingCaseFolders: Set<String> = []
  /// The case folder registered last, whose next cases need no check of its name.
  private var lastCaseFolder: String?
  /// Whether a name registered may have a capital (or a byte beyond ASCII): when none does, no two names
  /// differ only in case, and a partner's, case's or case folder's name is not recorded in `folded` (a
  /// string and a table entry for each of thousands of files). Their duplicates are found by
  /// `partnerSlugs` and `caseIDs`; FAQ entries and pages are recorded anyway (two files of one name).
  private var mayDifferInCase = true

  /// Makes room for the files at `paths`, about to be registered, and looks for a capital among them.
  mutating func prepare(for paths: some Collection<String>) {
    mayDifferInCase = paths.contains { $0.utf8.contains(where: Self.foldsCase) }
    caseIDs.reserveCapacity(paths.count)
    if mayDifferInCase { folded.reserveCapacity(paths.count) }
  }

  /// What the file at `path` is, from the path alone, and the problem with it if any. Pure, so that it
  /// runs on every core; `register` then finds duplicates.
  static func kind(of path: String) -> (kind: Kind?, problem: Diagnostic?) {
    // Cut and compared on the path's bytes (a `/` byte is always the separator): the paths of every
    // file, ten thousand and more, are classified in each build, and `Character`s cost three times more.
    let parts = path.utf8.split(separator: UInt8(ascii: "/"))
    guard let name = parts.last, !parts.contains(where: { $0.first == UInt8(ascii: ".") }) else { return (nil, nil) }
    let location = SourceLocation(file: path)
    func ignored(_ message: String) -> (kind: Kind?, problem: Diagnostic?) {
      (nil, Diagnostic(.warning, at: location, message))
    }
    let top = parts[0]
    switch parts.count {
    case 1 where name.elementsEqual("site.yaml".utf8):
      return (.site, nil)
    case 1 where name.elementsEqual("standards.yaml".utf8):
      return (.standards, nil)
    case 2 where top.elementsEqual("partners".utf8):
      guard let slug = stem(name, extensions: [".yaml", ".yml"]) else {
        return ignored("ignored: partner records are .yaml files")
      }
      if let problem = slugProblem(slug, at: location, what: "partner slug") { return (nil, problem) }
      return (.partner(slug: slug), nil)
    case 3 where top.elementsEqual("cases".utf8):
      guard let id = stem(name, extensions: [".md"]) else { return ignored("ignored: case notes are .md files") }
      if let problem = slugProblem(id, at: location, what: "case id") { return (nil, problem) }
      return (.escalation(partner: String(Substring(parts[1])), id: id), nil)
    case 2 where top.elementsEqual("faq".utf8) || top.elementsEqual("pages".utf8):
      let isFAQ = top.elementsEqual("faq".utf8)
      guard let slug = stem(name, extensions: [".md"]) else {
        return ignored("ignored: \(isFAQ ? "FAQ entries" : "pages") are .md files")
      }
      if let problem = slugProblem(slug, at: location, what: "file name") { return (nil, problem) }
      return (isFAQ ? .faq(slug: slug) : .page(slug: slug), nil)
    case _ where folders.contains(String(Substring(top))):
      return ignored("ignored: this file is not where \(Substring(top))/ expects its files")
    default:
      return (nil, nil)
    }
  }

  /// Records a file of `kind` at `path` that the layout is known to take (a path of a load that had no
  /// error): what the load reads from the layout (the settings, the standards, the partners' records),
  /// without the checks of `register`.
  mutating func record(_ kind: Kind, path: String) {
    switch kind {
    case .site: site = path
    case .standards: standards = path
    case .partner(let slug): partnerSlugs[slug] = path
    case .escalation, .faq, .page: break
    }
  }

  /// Records a file of `kind`; reports a duplicate partner slug or case id, or a name that differs only in
  /// case from one seen before, and returns nil for it. Files come in path order, so the second is reported.
  mutating func register(_ kind: Kind, path: String, sink: DiagnosticSink) -> Kind? {
    let location = SourceLocation(file: path)
    switch kind {
    case .site: site = path
    case .standards: standards = path
    case .partner(let slug):
      if let other = partnerSlugs[slug] {
        sink.error("duplicate partner slug '\(slug)': \(other) has the same name", at: location)
        return nil
      }
      if mayDifferInCase, let problem = caseClash("partners/\(slug)", path: path, what: "partner slug '\(slug)'") {
        sink.error(problem, at: location)
        return nil
      }
      partnerSlugs[slug] = path
    case .escalation(let partner, let id):
      // A folder's cases come one after the other: its name is checked at its first.
      if partner != lastCaseFolder {
        guard registerCaseFolder(partner, at: location, sink: sink) else { return nil }
      }
      if let other = caseIDs[id] {
        sink.error("duplicate case id '\(id)': \(other) has the same id", at: location)
        return nil
      }
      if mayDifferInCase, let problem = caseClash("cases/\(partner)/\(id)", path: path, what: "case id '\(id)'") {
        sink.error(problem, at: location)
        return nil
      }
      caseIDs[id] = path
    case .faq(let slug), .page(let slug):
      let folder = if case .faq = kind { "faq" } else { "pages" }
      if let problem = caseClash("\(folder)/\(slug)", path: path, what: "file name '\(slug)'") {
        sink.error(problem, at: location)
        return nil
      }
    }
    return kind
  }

  /// Records the case folder `partner` (its cases' first file is at `location`); false when a folder seen
  /// before differs from it only in case, which is reported once, at the first of its files.
  private mutating func registerCaseFolder(_ partner: String, at location: SourceLocation, sink: DiagnosticSink)
    -> Bool
  {
    guard mayDifferInCase else {
      lastCaseFolder = partner
      return true
    }
    let folder = "cases/\(Self.folded(partner))"
    if let other = folded[folder], other != partner {
      if clashingCaseFolders.insert(partner).inserted {
        sink.error(
          "case folder 'cases/\(partner)/' differs only in case from 'cases/\(other)/'"
            + Layout.oneOnMacOSAndWindows("folder"), at: location)
      }
      return false
    }
    folded[folder] = partner
    lastCaseFolder = partner
    return true
  }

  /// `name` in lower case: itself when it has no capital (no byte to change), which is most names.
  private static func folded(_ name: String) -> String {
    name.utf8.contains(where: foldsCase) ? name.lowercased() : name
  }

  /// Whether a name with the byte `byte` may change in lower case: a capital, or a byte beyond ASCII.
  private static func foldsCase(_ byte: UInt8) -> Bool {
    (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || byte >= 0x80
  }

  /// Records `name`; when a name seen before differs from it only in case, the problem to report.
  private mutating func caseClash(_ name: String, path: String, what: @autoclosure () -> String) -> String? {
    let key = Self.folded(name)
    if let other = folded[key] {
      return "\(what()) differs only in case from \(other)" + Layout.oneOnMacOSAndWindows("file")
    }
    folded[key] = path
    return nil
  }

  /// Why names that differ only in case are refused.
  static func oneOnMacOSAndWindows(_ noun: String) -> String {
    "; the default file systems of macOS and Windows ignore case, so there they are one \(noun) (rename one)"
  }

  private static func stem(_ name: Substring.UTF8View, extensions: [StaticString]) -> String? {
    for suffix in extensions where name.count > suffix.utf8CodeUnitCount {
      let cut = name.index(name.endIndex, offsetBy: -suffix.utf8CodeUnitCount)
      let matches = suffix.withUTF8Buffer { name[cut...].elementsEqual($0) }
      if matches { return String(Substring(name[..<cut])) }
    }
    return nil
  }

  // Slugs become URL path segments, so they keep to characters that need no escaping.
  static func slugProblem(_ slug: String, at location: SourceLocation, what: String) -> Diagnostic? {
    let allowed = slug.utf8.allSatisfy {
      (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0)
        || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
        || $0 == UInt8(ascii: ".")
    }
    guard allowed, let first = slug.utf8.first, first != UInt8(ascii: "-"), first != UInt8(ascii: ".") else {
      return Diagnostic(
        .error, at: location,
        "\(what) '\(slug)' (the file name) may use only letters, digits, '-', '_' and '.', and must start with "
          + "a letter or digit")
    }
    return nil
  }
}

enum CrossReferences {
  /// Reports the cases whose folder has no record, the cases about an accreditation their partner does not
  /// hold, and the decisions about another partner's case or a case with no file. `partners` are sorted by
  /// slug and `cases` by partner slug then id, as `Content` keeps them: each partner's cases are one run,
  /// looked up once and met in step with the partners (a lookup of each case's partner by slug in two tables
  /// was a tenth of a record edit's load at 10,000 partners).
  static func check(
    partners: [Partner], partnerFiles: [String: String], cases: [EscalationCase], sink: DiagnosticSink
  ) {
    var reportedFolders: Set<String> = []
    var next = partners.startIndex
    for (slug, run) in cases.partnerRuns() {
      // A folder's first case is the one reported.
      guard partnerFiles[slug] != nil else {
        if reportedFolders.insert(slug).inserted {
          // A "did you mean" compares with every slug: offered for the first few folders only, so that a
          // tree of stray folders cannot cost folders × partners comparisons.
          let hint = reportedFolders.count <= 20 ? Suggestion.hint(for: slug, in: partnerFiles.keys.sorted()) : ""
          sink.error(
            "case folder 'cases/\(slug)/' has no partner record\(hint): rename the folder, add "
              + "partners/\(slug).yaml or move the case to its partner's folder",
            at: cases[run.lowerBound].location)
        }
        continue
      }
      while next < partners.endIndex, partners[next].slug < slug { next += 1 }
      // A record that did not parse has a file and no partner.
      guard next < partners.endIndex, partners[next].slug == slug else { continue }
      let partner = partners[next]
      for escalation in cases[run] {
        if let accreditation = escalation.accreditation,
          !partner.accreditations.contains(where: { $0.type == accreditation.value })
        {
          sink.warning(
            "the case concerns accreditation '\(accreditation.value)', which \(partner.name) does not hold",
            at: accreditation.location)
        }
      }
    }
    // The partner of each case a decision names (the first case of an id), not of every case.
    let named = Set(partners.lazy.flatMap(\.decisions).compactMap(\.caseID))
    var caseOwners: [String: String] = [:]
    for escalation in named.isEmpty ? [] : cases where named.contains(escalation.id) {
      if caseOwners[escalation.id] == nil { caseOwners[escalation.id] = escalation.partnerSlug }
    }
    for partner in partners {
      for decision in partner.decisions {
        guard let caseID = decision.caseID else { continue }
        if let owner = caseOwners[caseID], owner != partner.slug {
          sink.warning("decision refers to case \(caseID), which belongs to partner '\(owner)'", at: decision.location)
        } else if caseOwners[caseID] == nil {
          sink.warning(
            "decision refers to case \(caseID), which has no file under cases/\(partner.slug)/",
            at: decision.location)
        }
      }
    }
  }
}
