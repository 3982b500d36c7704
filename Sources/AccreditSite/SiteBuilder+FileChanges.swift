import AccreditContent
import AccreditEngine
import AccreditSupport
import Foundation

extension SiteBuilder {
  /// The render after partner records or case files were added or removed (a file renamed is both),
  /// others perhaps edited in the same save: each file is read alone (an added one listed through the
  /// jail: the `partners` folder, or its partner's case folder, alone), put in its place in the
  /// baseline's content, its partner evaluated again, and the pages whose keys changed are rendered; the
  /// pages of a removed case or partner are taken out. Nil, for the whole build, when a file does not load
  /// without a diagnostic, an added slug or case id is taken, a partner removed keeps cases, or a decision
  /// names a case added or removed or a new partner's decision names one (the whole load words a warning
  /// about such a decision).
  static func renderFileChanges(
    _ request: Request, changes: [String: ChangeSet.Change], since baseline: Baseline
  ) throws(Failure) -> Patch? {
    var next = baseline
    var edited: Set<String> = []
    // Removals first, so that a file renamed never holds its slug or id twice; then records, so that a
    // new partner's cases find it.
    func rank(_ change: (key: String, value: ChangeSet.Change)) -> (Int, Int, String) {
      (change.value == .removed ? 0 : 1, change.key.hasPrefix("partners/") ? 0 : 1, change.key)
    }
    let ordered = changes.sorted { rank($0) < rank($1) }
    for (path, change) in ordered {
      let outcome: Baseline.FileRead
      if let slug = ContentFolder.recordSlug(path) {
        outcome = next.applyRecord(change, at: path, slug: slug, content: request.content)
        edited.insert(slug)
      } else if let (slug, id) = ContentFolder.casePath(path),
        !next.content.partners.contains(where: { $0.decisions.contains { $0.caseID == id } })
      {
        outcome = next.applyCase(change, at: path, slug: slug, id: id, content: request.content)
        edited.insert(slug)
      } else {
        return nil
      }
      if outcome == .refused { return nil }
    }
    // A partner removed with cases left: the whole load reports their folder.
    let partners = Set(next.content.partners.map(\.slug))
    guard next.content.cases.allSatisfy({ partners.contains($0.partnerSlug) }) else { return nil }
    return try renderEvaluatingAgain(&next, edited: edited, summary: "files added or removed")
  }

  /// Evaluates the partners `edited` again with their cases as `next` has them now, forgets what was made
  /// from them, and renders the files whose keys changed.
  static func renderEvaluatingAgain(_ next: inout Baseline, edited: Set<String>, summary: String) throws(Failure)
    -> Patch?
  {
    if edited.isEmpty { return Patch(files: [], removed: [], baseline: next, summary: "nothing changed") }
    for slug in edited {
      // A partner removed is not evaluated.
      guard let index = next.content.partners.firstIndex(where: { $0.slug == slug }) else { continue }
      guard next.evaluations.indices.contains(index), next.evaluations[index].slug == slug else { return nil }
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
  /// What reading a content file again did.
  enum FileRead: Equatable {
    /// Its bytes are as the baseline has them.
    case unchanged
    /// It was read and put in place of its old self (or added).
    case changed
    /// It cannot be read alone (a diagnostic; a case naming an accreditation its partner does not hold),
    /// or the change cannot be made alone: the whole build.
    case refused
  }

  /// Makes the change of the case file at `path` (`cases/<slug>/<id>.md`) in the content.
  mutating func applyCase(_ change: ChangeSet.Change, at path: String, slug: String, id: String, content root: URL)
    -> FileRead
  {
    switch change {
    case .removed:
      return removeCase(at: path) ? .changed : .refused
    case .added:
      guard let listing = FolderJail.list(root, below: "cases/\(slug)", what: "content folder"),
        listing.problems.isEmpty, let file = listing.files.first(where: { $0.path == path }),
        case let wanted = id.lowercased(), !content.cases.contains(where: { $0.id.lowercased() == wanted })
      else { return .refused }
      files.setFile(path, file)
      return readCase(at: path) == .changed ? .changed : .refused
    case .changed:
      return readCase(at: path)
    }
  }

  /// Makes the change of the partner record at `path` (`partners/<slug>.yaml`) in the content: a record
  /// added is put in its place with an evaluation to be made again; a record removed takes its partner
  /// out.
  mutating func applyRecord(_ change: ChangeSet.Change, at path: String, slug: String, content root: URL)
    -> FileRead
  {
    let index = content.partners.firstIndex { $0.slug == slug }
    switch change {
    case .removed:
      guard let index, evaluations.indices.contains(index), evaluations[index].slug == slug,
        let keys = inputKeys.changingRecordFile(path, to: nil)
      else { return .refused }
      content.partners.remove(at: index)
      evaluations.remove(at: index)
      inputKeys = keys
      content.inputHashes[path] = nil
      files.setFile(path, nil)
      return .changed
    case .added:
      guard index == nil, case let wanted = slug.lowercased(),
        !content.partners.contains(where: { $0.slug.lowercased() == wanted }),
        let listing = FolderJail.list(root, below: "partners", what: "content folder"), listing.problems.isEmpty,
        let file = listing.files.first(where: { $0.path == path }), case .success(let bytes) = FolderJail.read(file),
        let (partner, _) = ContentLoader.loadRecord(
          ContentFile(path: path, bytes: bytes), standards: content.standards),
        partner.decisions.allSatisfy({ $0.caseID == nil }),
        let keys = inputKeys.changingRecordFile(path, to: StableHash.of(bytes), record: partner)
      else { return .refused }
      let position = content.partners.firstIndex { $0.slug > slug } ?? content.partners.endIndex
      content.partners.insert(partner, at: position)
      // Made again with its cases once every file of the save is in.
      evaluations.insert(Evaluator(standards: content.standards).evaluate(partner, cases: [], asOf: asOf), at: position)
      inputKeys = keys
      content.inputHashes[path] = StableHash.of(bytes)
      files.setFile(path, file)
      return .changed
    case .changed:
      guard let index, let file = files.byPath[path], case .success(let bytes) = FolderJail.read(file) else {
        return .refused
      }
      let hash = StableHash.of(bytes)
      if content.inputHashes[path] == hash { return .unchanged }
      guard
        let (partner, _) = ContentLoader.loadRecord(
          ContentFile(path: path, bytes: bytes), standards: content.standards)
      else { return .refused }
      content.partners[index] = partner
      content.inputHashes[path] = hash
      inputKeys = inputKeys.replacing(path, hash: hash, record: partner)
      return .changed
    }
  }

  /// Reads the case file at `path` (in `files`) and puts it in the content in place of its old self, or in
  /// its place when the content has none: the content, its hashes and heads, and the keys.
  mutating func readCase(at path: String) -> FileRead {
    guard let (slug, _) = ContentFolder.casePath(path), let file = files.byPath[path],
      case .success(let bytes) = FolderJail.read(file)
    else { return .refused }
    let hash = StableHash.of(bytes)
    if content.inputHashes[path] == hash { return .unchanged }
    guard
      let (escalation, _, head) = ContentLoader.loadCase(
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
    content.caseHeads[path] = nil
    content.notesHTML[path] = nil
    heads[path] = nil
    files.setFile(path, nil)
    return true
  }
}
