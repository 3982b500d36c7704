import AccreditContent
import AccreditEngine

/// `accredit build` after partner records were edited, and nothing else: the preview server's record edit
/// (`renderOwnPages`) from the files the build cache keeps. The record's stamps tell which records changed
/// (`BuildRecord.editedFiles`), the parse cache how they read before, and when no edit reaches further
/// than the files that list every partner's record (`Partner.Reach`: a website, a region), the partners'
/// own files and those lists are planned, not every file of the site: the other partners' plans are the
/// memo's, and the other files are kept as the output folder's manifest has them.
extension SiteBuilder {
  /// Partner records edited since the last build, each reaching no further than its partner's own files
  /// and the files that list every record (`Partner.Reach.listed`).
  struct RecordEdit {
    /// The partners whose records were edited.
    let slugs: Set<String>
    /// Whether an edit shows on the lists (a region), not only on its partner's page (a website).
    let listed: Bool

    /// The edit of the records at `paths` from `before` (each as the last build read it, in the same order)
    /// to what `content` has now; nil when a record is not in both, or an edit reaches every file.
    init?(paths: [String], before: [Partner?], content: Content) {
      var reach = Partner.Reach.ownPages
      var slugs: Set<String> = []
      for (path, old) in zip(paths, before) {
        guard let old, let new = content.partners.first(where: { $0.location.file == path }), new.slug == old.slug
        else { return nil }
        reach = max(reach, old.reach(from: new))
        slugs.insert(new.slug)
      }
      guard reach < .everything, slugs.count == paths.count else { return nil }
      self.slugs = slugs
      listed = reach == .listed
    }

    /// What a record edit writes: the files rendered again, the files whose bytes are still right under a
    /// new key, and every partner's plan (for the memo).
    struct Planned: Sendable {
      var jobs: [OutputJob]
      var rekeyed: [(path: String, key: UInt64)]
      var plans: [String: SiteRenderer.PartnerPlan]
    }

    /// The edit planned with `renderer` (whose keys and histories `memo` gave): the edited partners' files
    /// and, for a listed edit, the files that show their records beside the others'
    /// (`SiteRenderer.plan(partners:listedAmong:)`), those whose keys the manifest does not have. Of a
    /// partner's files only its page shows its website and region (`renderOwnPages`): the others are
    /// rekeyed. Nil when the memo lacks another partner's plan, or an edited partner's files are not the
    /// ones its last plan (`stored`) had: the whole plan then decides.
    func plan(
      _ renderer: SiteRenderer, memo: MemoFile, stored: PartnerMemo.Stored, manifest: SiteWriter.Manifest
    ) -> Planned? {
      var known = memo.plans
      for slug in slugs { known[slug] = nil }
      guard renderer.evaluations.allSatisfy({ slugs.contains($0.slug) || known[$0.slug] != nil }) else { return nil }
      let planned = renderer.plan(partners: slugs, listedAmong: listed ? known : nil)
      guard planned.partners.count == slugs.count else { return nil }
      var before: [String: SiteRenderer.PartnerPlan] = [:]
      for entry in stored.entries where slugs.contains(entry.slug) { before[entry.slug] = entry.plan }
      var result = Planned(jobs: [], rekeyed: [], plans: known)
      for (slug, partner) in planned.partners {
        guard let last = before[slug], last.files.map(\.path) == partner.plan.files.map(\.path) else { return nil }
        let page = Partner.Reach.page(slug)
        for job in partner.jobs where manifest.key(of: job.path) != job.key {
          if job.path == page { result.jobs.append(job) } else { result.rekeyed.append((job.path, job.key)) }
        }
        result.plans[slug] = partner.plan
      }
      result.jobs += planned.listed.filter { manifest.key(of: $0.path) != $0.key }
      return result
    }
  }
}
