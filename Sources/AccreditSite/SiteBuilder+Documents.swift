import AccreditContent
import AccreditSupport

extension SiteBuilder {
  /// The render after the FAQ entries or free pages at `paths` (each in `baseline`'s listing) were edited:
  /// each is read alone and put in place of its old self. When the navigation is as it was (no free page's
  /// title or order changed), the FAQ page and the free pages alone are planned, and those whose keys
  /// changed rendered: the FAQ page for an entry, the one free page for its body. Otherwise every page
  /// shows the new navigation, and every file is planned again from the baseline's evaluations, as a
  /// template edit does. Nil when a file does not load without a diagnostic, or is not one the baseline has.
  static func renderDocumentEdits(paths: [String], since baseline: Baseline) throws(Failure) -> Patch? {
    var next = baseline
    var changed: [String] = []
    for path in paths {
      guard let file = baseline.files.byPath[path], case .success(let bytes) = FolderJail.read(file) else {
        return nil
      }
      let hash = StableHash.of(bytes)
      if next.content.inputHashes[path] == hash { continue }
      guard let (document, _) = ContentLoader.loadDocument(ContentFile(path: path, bytes: bytes)),
        next.content.replace(document, at: path)
      else { return nil }
      next.content.inputHashes[path] = hash
      changed.append(path)
    }
    if changed.isEmpty { return Patch(files: [], removed: [], baseline: next, summary: "nothing changed") }
    guard InputKeys.navigation(next.content.pages) == baseline.inputKeys.navigation, let site = baseline.site else {
      // Every page's navigation changed: the whole site is planned again, with a context made anew.
      next.site = nil
      next.inputKeys = next.renderer(edited: []).makeKeys()
      let patch = try renderChangedKeys(&next, edited: Set(baseline.partners.keys))
      return Patch(files: patch.files, removed: patch.removed, baseline: next, summary: "pages edited")
    }
    next.inputKeys = baseline.inputKeys.replacingDocuments(changed, content: next.content)
    let context = SiteContext(
      updating: site, edited: [], content: next.content, evaluations: next.evaluations, histories: next.histories)
    let planner = JobPlanner(site: context, keys: next.inputKeys, templates: next.templates, asOf: next.asOf)
    let jobs = planner.documentJobs().filter { next.keys[$0.path] != $0.key }
    let files = try render(jobs)
    for job in jobs { next.keys[job.path] = job.key }
    next.site = context
    return Patch(files: files, removed: [], baseline: next, summary: "FAQ or pages edited")
  }
}
