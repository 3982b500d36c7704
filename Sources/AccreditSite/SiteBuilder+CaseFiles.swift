import AccreditContent
import AccreditEngine
import AccreditSupport

extension SiteBuilder {
  /// The render after case files were added or removed (a case renamed is both), others perhaps edited in
  /// the same save, each in the folder of a partner the baseline has: each file is read alone (an added
  /// one listed through the jail, its partner's folder alone), put in its place in the baseline's content,
  /// its partner evaluated again, and the pages whose keys changed are rendered, as for a case edit; a
  /// removed case's page is taken out. Nil, for the whole build, when a file does not load without a
  /// diagnostic, an added case's id is taken, or a decision names the case (the whole load words a
  /// warning about such a decision).
  static func renderCaseFileChanges(
    _ request: Request, changes: [String: ChangeSet.Change], since baseline: Baseline
  ) throws(Failure) -> Patch? {
    var next = baseline
    var edited: Set<String> = []
    // Removals first: a case renamed never holds its id twice.
    let ordered = changes.sorted { ($0.value == .removed ? 0 : 1, $0.key) < ($1.value == .removed ? 0 : 1, $1.key) }
    for (path, change) in ordered {
      guard let (slug, id) = ContentFolder.casePath(path),
        next.content.partners.contains(where: { $0.slug == slug }),
        !next.content.partners.contains(where: { $0.decisions.contains { $0.caseID == id } })
      else { return nil }
      switch change {
      case .removed:
        guard next.removeCase(at: path) else { return nil }
      case .added:
        guard let listing = FolderJail.list(request.content, below: "cases/\(slug)", what: "content folder"),
          listing.problems.isEmpty, let file = listing.files.first(where: { $0.path == path }),
          !next.content.cases.contains(where: { $0.id.lowercased() == id.lowercased() })
        else { return nil }
        next.files.setCaseFile(path, file)
        guard next.readCase(at: path) == .changed else { return nil }
      case .changed:
        switch next.readCase(at: path) {
        case .unchanged: continue
        case .changed: break
        case .refused: return nil
        }
      }
      edited.insert(slug)
    }
    return try renderEvaluatingAgain(&next, edited: edited, summary: "case files added or removed")
  }

  /// Evaluates the partners `edited` again with their cases as `next` has them now, forgets what was made
  /// from them, and renders the files whose keys changed.
  static func renderEvaluatingAgain(_ next: inout Baseline, edited: Set<String>, summary: String) throws(Failure)
    -> Patch?
  {
    if edited.isEmpty { return Patch(files: [], removed: [], baseline: next, summary: "nothing changed") }
    for slug in edited {
      guard let index = next.content.partners.firstIndex(where: { $0.slug == slug }),
        next.evaluations.indices.contains(index), next.evaluations[index].slug == slug
      else { return nil }
      let cases = next.content.cases.filter { $0.partnerSlug == slug }
      next.evaluations[index] = Evaluator(standards: next.content.standards)
        .evaluate(next.content.partners[index], cases: cases, asOf: next.asOf)
    }
    next.histories = next.histories.forgetting(edited)
    let patch = try renderChangedKeys(&next, edited: edited)
    return Patch(files: patch.files, removed: patch.removed, baseline: next, summary: summary)
  }
}

extension SiteBuilder.Baseline {
  /// What reading a case file again did.
  enum CaseRead: Equatable {
    /// Its bytes are as the baseline has them.
    case unchanged
    /// It was read and put in place of its old self (or added).
    case changed
    /// It cannot be read alone: it has a diagnostic, names an accreditation its partner does not hold, or
    /// is not in its partner's folder.
    case refused
  }

  /// Reads the case file at `path` (in `files`) and puts it in the content in place of its old self, or in
  /// its place when the content has none: the content, its hashes and heads, and the keys.
  mutating func readCase(at path: String) -> CaseRead {
    guard let (slug, _) = ContentFolder.casePath(path), let file = files.byPath[path],
      case .success(let bytes) = FolderJail.read(file)
    else { return .refused }
    let hash = StableHash.of(bytes)
    if content.inputHashes[path] == hash { return .unchanged }
    guard
      let (escalation, source, head) = ContentLoader.loadCase(
        ContentFile(path: path, bytes: bytes), standards: content.standards),
      escalation.partnerSlug == slug, let partner = content.partners.first(where: { $0.slug == slug }),
      escalation.accreditation.map({ held in partner.accreditations.contains { $0.type == held.value } }) ?? true
    else { return .refused }
    let data = InputKeys.data(of: escalation)
    if let index = content.cases.firstIndex(where: { $0.location.file == path }) {
      guard let keys = inputKeys.replacingCase(path, hash: hash, data: data) else { return .refused }
      content.cases[index] = escalation
      inputKeys = keys
    } else {
      guard let keys = inputKeys.changingCaseFile(path, to: (hash, data)) else { return .refused }
      let order = (escalation.partnerSlug, escalation.id)
      content.cases.insert(
        escalation, at: content.cases.firstIndex { ($0.partnerSlug, $0.id) > order } ?? content.cases.endIndex)
      inputKeys = keys
    }
    content.inputHashes[path] = hash
    content.sources[path] = source
    content.caseHeads[path] = head
    heads[path] = head
    return .changed
  }

  /// Takes the case file at `path` out of the content, its hashes, heads and keys, and the listing; false
  /// when the content has no case from that file.
  mutating func removeCase(at path: String) -> Bool {
    guard let index = content.cases.firstIndex(where: { $0.location.file == path }),
      let keys = inputKeys.changingCaseFile(path, to: nil)
    else { return false }
    content.cases.remove(at: index)
    inputKeys = keys
    content.inputHashes[path] = nil
    content.sources[path] = nil
    content.caseHeads[path] = nil
    content.notesHTML[path] = nil
    heads[path] = nil
    files.setCaseFile(path, nil)
    return true
  }
}
