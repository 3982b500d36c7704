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

  var files: [(Kind, SourceText)] = []
  var site: String?
  var standards: String?
  /// Partner slug → the record's path, for duplicate and orphan checks.
  var partnerSlugs: [String: String] = [:]
  private var caseIDs: [String: String] = [:]

  /// The file's kind, or nil when it is not content (reported when it sits where content belongs).
  mutating func classify(_ path: String, sink: DiagnosticSink) -> Kind? {
    let parts = path.split(separator: "/").map(String.init)
    guard let name = parts.last, !parts.contains(where: { $0.hasPrefix(".") }) else { return nil }
    let location = SourceLocation(file: path)
    switch parts.count {
    case 1 where name == "site.yaml":
      site = path
      return .site
    case 1 where name == "standards.yaml":
      standards = path
      return .standards
    case 2 where parts[0] == "partners":
      guard let slug = stem(name, extensions: [".yaml", ".yml"]) else {
        sink.warning("ignored: partner records are .yaml files", at: location)
        return nil
      }
      guard checkSlug(slug, at: location, what: "partner slug", sink: sink) else { return nil }
      if let other = partnerSlugs[slug] {
        sink.error("duplicate partner slug '\(slug)': \(other) has the same name", at: location)
        return nil
      }
      partnerSlugs[slug] = path
      return .partner(slug: slug)
    case 3 where parts[0] == "cases":
      guard let id = stem(name, extensions: [".md"]) else {
        sink.warning("ignored: case notes are .md files", at: location)
        return nil
      }
      guard checkSlug(id, at: location, what: "case id", sink: sink) else { return nil }
      if let other = caseIDs[id] {
        sink.error("duplicate case id '\(id)': \(other) has the same id", at: location)
        return nil
      }
      caseIDs[id] = path
      return .escalation(partner: parts[1], id: id)
    case 2 where parts[0] == "faq" || parts[0] == "pages":
      guard let slug = stem(name, extensions: [".md"]) else {
        sink.warning("ignored: \(parts[0] == "faq" ? "FAQ entries" : "pages") are .md files", at: location)
        return nil
      }
      guard checkSlug(slug, at: location, what: "file name", sink: sink) else { return nil }
      return parts[0] == "faq" ? .faq(slug: slug) : .page(slug: slug)
    case _ where ["partners", "cases", "faq", "pages"].contains(parts[0]):
      sink.warning("ignored: this file is not where \(parts[0])/ expects its files", at: location)
      return nil
    default:
      return nil
    }
  }

  private func stem(_ name: String, extensions: [String]) -> String? {
    for suffix in extensions where name.hasSuffix(suffix) && name.count > suffix.count {
      return String(name.dropLast(suffix.count))
    }
    return nil
  }

  // Slugs become URL path segments, so they keep to characters that need no escaping.
  private func checkSlug(_ slug: String, at location: SourceLocation, what: String, sink: DiagnosticSink) -> Bool {
    let allowed = slug.unicodeScalars.allSatisfy {
      ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0)
        || "-_.".unicodeScalars.contains($0)
    }
    guard allowed, let first = slug.unicodeScalars.first, first != "-", first != "." else {
      sink.error(
        "\(what) '\(slug)' (the file name) may use only letters, digits, '-', '_' and '.', and must start with "
          + "a letter or digit", at: location)
      return false
    }
    return true
  }
}

/// Checks that span files: case folders without a partner record, case accreditations, decision cases.
enum CrossReferences {
  static func check(
    partners: [Partner], partnerFiles: [String: String], cases: [EscalationCase], sink: DiagnosticSink
  ) {
    let partnersBySlug = Dictionary(partners.map { ($0.slug, $0) }, uniquingKeysWith: { first, _ in first })
    var reportedFolders: Set<String> = []
    for escalation in cases.sorted(by: { $0.location < $1.location }) {
      guard partnerFiles[escalation.partnerSlug] != nil else {
        if reportedFolders.insert(escalation.partnerSlug).inserted {
          sink.error(
            "case folder 'cases/\(escalation.partnerSlug)/' has no partner record: add "
              + "partners/\(escalation.partnerSlug).yaml or move the case to its partner's folder",
            at: escalation.location)
        }
        continue
      }
      if let accreditation = escalation.accreditation, let partner = partnersBySlug[escalation.partnerSlug],
        !partner.accreditations.contains(where: { $0.type == accreditation.value })
      {
        sink.warning(
          "the case concerns accreditation '\(accreditation.value)', which \(partner.name) does not hold",
          at: accreditation.location)
      }
    }
    let caseOwners = Dictionary(cases.map { ($0.id, $0.partnerSlug) }, uniquingKeysWith: { first, _ in first })
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
